"""Every write of the printing app, one module per topic (Zulip's zerver/actions shape)."""
