"""A bare Flask "hello" app: the ceiling each page's req/s is compared with."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    """The cheapest page Flask can serve."""
    return "Hello, World!"
