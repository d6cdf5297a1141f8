"""The demo campus of `make run` (`manage.py seed_demo`): its data (data.py) and the builders that make it."""
