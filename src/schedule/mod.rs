//! Schedule files: model, YAML and CSV loading, validation with source spans.
