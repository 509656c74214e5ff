"""cfglint: a configuration linter for Java services built on Dubbo, Druid and JDBC."""

__version__ = "0.1.0"
