"""Who sees and changes the team area: staff read, the principal and the secretary manage."""

from tenants.common.policy import ManagedPolicy

staff_policy = ManagedPolicy()
training_plan_policy = ManagedPolicy()
training_record_policy = ManagedPolicy()
