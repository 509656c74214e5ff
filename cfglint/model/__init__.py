"""Typed model of what the application will actually use. Every value is a Setting that knows where it
was written and how it was resolved."""
