"""The only functions that change customers, their identities, notes, assets and
relationships, and the desk's agents, teams, sites and brands: one module a feature
(events, identities, customers, merging, relationship, notes, agents, security)."""
