"""The only functions that change cases: atomic, audited, side effects queued on commit.

One module per feature; opening a case and a customer's message arriving live in
`rapport.routing.actions.opening`."""
