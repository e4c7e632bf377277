"""The cart: one per shopper or anonymous session, across stores."""
