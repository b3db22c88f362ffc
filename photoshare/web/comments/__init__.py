"""Comments under posts: adding, deleting, and their list on the post page (the blueprint is
routes.bp; the post page's view in web/posts imports the form without the routes)."""
