"""Pulumi components: one ComponentResource per monitoring concept, built from the spec model."""
