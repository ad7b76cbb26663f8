"""Major-decision filings, votes, reports and required disclosures."""
