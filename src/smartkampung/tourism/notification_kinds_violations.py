"""The notifications of violations and revocations, registered at start-up."""
