"""The process app's views: `pages` for everyone, `editing` for the working group."""
