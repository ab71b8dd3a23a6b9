"""Student care (心理健康档案, 心理测评, 个别辅导, 危机干预). For now only the pure scoring of screening
instruments lives here (`tenants.care.instruments`); the models and services come later and call it."""
