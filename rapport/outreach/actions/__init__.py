"""The only functions that change incidents, outreach tasks and make-goods, one module a
feature: incidents, tasks (audiences, planning, working a task), make_goods, imports."""
