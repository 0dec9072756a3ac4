"""Products, price books and their entries: what a tenant sells, and at which price."""
