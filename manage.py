#!/usr/bin/env python
from rapport.cli import main

if __name__ == "__main__":
    main()
