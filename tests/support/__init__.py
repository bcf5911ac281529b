"""Test helpers shared across test packages (throwaway databases and the like)."""
