"""What the API reads and writes, one module per feature. Output schemas are built explicitly
from loaded rows; every input derives from `base.Input`."""
