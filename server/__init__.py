"""The edkg web application."""
