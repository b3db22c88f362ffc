"""Every text field of a post filled with hostile text: each page that shows the post keeps its
structure (no element added or lost) and shows the text exactly, as text."""

from html.parser import HTMLParser

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from photoshare.web.posts.cards import long_caption
from tests.support.actions import HOSTILE_TEXT, create_post, press, stored_text

PIECES = [*HOSTILE_TEXT, "<", ">", "&", "&amp;", "&#34;", '"', "'", "`", "</p>", "</textarea>", "<!--", "-->",
          "]]>", "{{", "}}", "{%", "%}", "\u202e", "\u200f", "\n", "\r\n", " ", "javascript:", "%d", "%s"]
hostile = st.lists(st.sampled_from(PIECES) | st.text(max_size=20), max_size=12).map("".join).map(
    lambda text: stored_text(text)[:1000])


class Page(HTMLParser):
    """The page's elements (tag and attribute names, in order), and the text and attributes the tests read."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.shape: list[tuple] = []
        self.captions: list[str] = []
        self.alts: list[str] = []
        self.textareas: dict[str, str] = {}
        self._in: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("class") in ("hashtag", "mention") and "caption" in self._in:
            self._in.append("link")  # a caption's own #tag and @name links: their text is the caption's
            return
        self.shape.append((tag, tuple(sorted(attributes))))
        if tag == "img" and "srcset" in attributes:
            self.alts.append(attributes["alt"])
        self._in.append("caption" if "caption" in (attributes.get("class") or "").split() else
                        f"textarea:{attributes.get('name')}" if tag == "textarea" else tag)
        if self._in[-1] == "caption":
            self.captions.append("")
        elif tag == "textarea":
            self.textareas[attributes.get("name")] = ""

    def handle_endtag(self, tag):
        if tag == "a" and self._in and self._in[-1] == "link":
            self._in.pop()
            return
        self.shape.append(("/" + tag,))
        if self._in:
            self._in.pop()

    def handle_data(self, data):
        if "caption" in self._in:
            self.captions[-1] += data
        if self._in and self._in[-1].startswith("textarea:"):
            self.textareas[self._in[-1][9:]] += data


def pages(client, post_id: int) -> dict[str, Page]:
    paths = {"feed": "/", "post": f"/posts/{post_id}", "profile": "/u/alice", "likers": f"/posts/{post_id}/likes",
             "edit": f"/posts/{post_id}/edit"}
    found = {}
    for name, path in paths.items():
        response = client.get(path)
        assert response.status_code == 200, path
        found[name] = Page(response.get_data(as_text=True))
    return found


def set_text(db, post_id: int, caption: str, alt_text: str) -> None:
    db.execute("UPDATE posts SET caption = %s, alt_text = %s WHERE id = %s", (caption, alt_text, post_id))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(caption=hostile, alt_text=hostile)
@example(caption='"><script>alert(1)</script>', alt_text='" onerror="alert(1)')
@example(caption="</textarea><b>x</b>", alt_text="&lt;b&gt;")
@example(caption="#0 @alice #<b>", alt_text="")
def test_every_page_keeps_its_shape_and_shows_the_text_as_text(logged_in, another_client, db, caption, alt_text):
    if not hasattr(logged_in, "post_id"):
        post_id = logged_in.post_id = create_post(logged_in)
        press(another_client, post_id, "like")
        pages(logged_in, post_id)  # the flash of the new post is shown once, here
        # What each page looks like with harmless text, and with none (no caption paragraph then).
        set_text(db, post_id, "x", "y")
        logged_in.with_text = pages(logged_in, post_id)
        set_text(db, post_id, "x" * 200, "y")  # the feed clamps it, with "more"
        logged_in.with_long_text = pages(logged_in, post_id)
        set_text(db, post_id, "", "")
        logged_in.without_text = pages(logged_in, post_id)
    post_id = logged_in.post_id
    set_text(db, post_id, caption, alt_text)
    try:
        shown = pages(logged_in, post_id)
    finally:
        set_text(db, post_id, "", "")
    baseline = (logged_in.without_text if not caption else
                logged_in.with_long_text if long_caption(caption) else logged_in.with_text)
    for name, page in shown.items():
        assert page.shape == baseline[name].shape, name
        assert all(alt == (alt_text or "Photo by alice") for alt in page.alts), name
    for name in ("feed", "post"):
        assert shown[name].captions == ([f"alice {caption}"] if caption else []), name
    assert shown["edit"].textareas["caption"].removeprefix("\r\n").removeprefix("\n") == caption
    assert shown["edit"].textareas["alt_text"].removeprefix("\r\n").removeprefix("\n") == alt_text
