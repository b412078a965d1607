"""The only functions that change mail: one module per feature (intake, outbox)."""
