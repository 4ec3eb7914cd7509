"""Read models: the lists, queries and findings the screens, CLI and reports show.
"""
