"""GenericInterface JSON: the wire shapes and the one mapping between them and the domain models."""
