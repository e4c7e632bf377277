"""Orders: one per store per checkout, their lifecycle and the seller's queue."""
