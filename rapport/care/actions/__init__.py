"""The only functions that change promises, one module a feature: promises (follow-ups,
outcomes, policies), callbacks, referrals, appointments and word of mouth."""
