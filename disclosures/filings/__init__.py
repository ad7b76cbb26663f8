"""Major-decision filings (重大事项报备) and committees' regular reports (DOMAIN §11)."""
