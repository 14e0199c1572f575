"""Policy versions (v1, v1.1, …), changes to a policy as data, their differences in words, adoption."""
