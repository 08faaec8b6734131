"""The participation process around the drafts: timeline, public sessions, documents, follows."""
