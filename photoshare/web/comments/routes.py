"""/posts/<id>/comments (add) and /comments/<id>/delete; the list itself is on the post page."""

from flask import Blueprint, abort, flash, jsonify, redirect, request, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from photoshare.data.db import get_conn, transaction
from photoshare.errors import PostNotFound
from photoshare.pagination import Cursor
from photoshare.repositories import CommentRepository
from photoshare.services.notifications import notify_comment_mentions
from photoshare.web.comments.forms import CommentForm
from photoshare.web.comments.markup import comment_items
from photoshare.web.negotiation import wants_json
from photoshare.web.posts.routes import COMMENTS_PAGE_SIZE, POST_ID, render_post_page
from photoshare.web.security import is_local_path

bp = Blueprint("comments", __name__)
bp.add_app_template_global(comment_items)

COMMENT_ID = "<int(max=9223372036854775807):comment_id>"


@bp.post(f"/posts/{POST_ID}/comments")
@login_required
def create(post_id: int):
    """Add a comment; back to the post page at the new comment, or JSON with its markup for the script."""
    form = CommentForm()
    # The page the form was on (a later page of comments, say): where its buttons lead back to.
    page_url = request.form.get("next")
    if not is_local_path(page_url):
        page_url = url_for("posts.show", post_id=post_id)
    if not form.validate_on_submit():
        if wants_json():
            return jsonify(errors=form.errors), 400
        return render_post_page(post_id, form, 400, here=page_url)
    comments = CommentRepository(get_conn())
    try:
        with transaction():
            comment = comments.add(post_id, current_user.id, form.body.data)
            notify_comment_mentions(get_conn(), comment.id, current_user.username, comment.body)
    except PostNotFound:
        abort(404)
    count = comments.count(post_id)
    if count is None:  # deleted since
        abort(404)
    if wants_json():
        # The viewer wrote the comment, so it has its delete button whoever wrote the post.
        html = comment_items([comment], current_user.id, 0, generate_csrf(), page_url)
        return jsonify(comment_id=comment.id, comment_count=count, html=str(html))
    # The first page holds the comment unless the post has more than a page of them: then land on a
    # page that starts with it.
    after = Cursor(comment.created_at, comment.id - 1).encode() if count > COMMENTS_PAGE_SIZE else None
    return redirect(url_for("posts.show", post_id=post_id, after=after, _anchor=f"comment-{comment.id}"))


@bp.post(f"/comments/{COMMENT_ID}/delete")
@login_required
def delete(comment_id: int):
    """Delete a comment: by its author, or by the author of its post."""
    comments = CommentRepository(get_conn())
    with transaction():
        post_id = comments.delete(comment_id, current_user.id)
    if post_id is None:
        abort(404 if comments.owners(comment_id) is None else 403)
    if wants_json():
        return jsonify(deleted=True, comment_count=comments.count(post_id))
    flash("The comment is deleted.", "success")
    next_url = request.args.get("next") or request.form.get("next")
    return redirect(next_url if is_local_path(next_url) else url_for("posts.show", post_id=post_id,
                                                                      _anchor="comments"))
