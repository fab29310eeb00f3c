"""Data models: the deployment description, its fact catalogue, the audit result."""
