"""The writes of data care: the access log, erasure of a customer, retention of raw mail."""
