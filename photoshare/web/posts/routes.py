"""/ (home feed), /explore, /posts/new, /posts/<id> (with its comments), edit, delete, like, unlike, likers."""

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from photoshare.data.db import get_conn, transaction
from photoshare.errors import PostNotFound, StorageUnavailable, UploadRefused, UserNotFound
from photoshare.media.factory import get_store
from photoshare.repositories import CommentRepository, FollowRepository, LikeRepository, PostRepository
from photoshare.services.posts import delete_post, edit_post, publish_post
from photoshare.web.comments.forms import CommentForm
from photoshare.web.forms import form_view
from photoshare.web.negotiation import wants_json
from photoshare.web.paging import keyset_page
from photoshare.web.posts.cards import post_cards, post_tiles
from photoshare.web.posts.forms import ButtonForm, EditPostForm, PostForm
from photoshare.web.security import is_local_path
from photoshare.web.uploads import (
    STORAGE_DOWN_MESSAGE,
    accepts_upload,
    account_gone,
    read_upload,
    refused,
    refused_upload,
    storage_quota,
)

bp = Blueprint("posts", __name__)
bp.add_app_template_global(post_cards)
bp.add_app_template_global(post_tiles)  # the profile grid's

# Ids are bigint: a larger number in the URL is a 404, not an out-of-range error in SQL.
POST_ID = "<int(max=9223372036854775807):post_id>"
LIKERS_PAGE_SIZE = 50
COMMENTS_PAGE_SIZE = 50


SUGGESTIONS = 10


@bp.get("/")
@login_required
def feed():
    """The home feed: the viewer's posts and those of the accounts they follow, newest first,
    keyset-paginated with ?before=. A first page with nobody else's posts suggests accounts."""
    conn = get_conn()
    posts = PostRepository(conn)
    page = keyset_page(lambda before, limit: posts.home_feed(current_user.id, before, limit=limit),
                       current_app.config["FEED_PAGE_SIZE"])
    suggestions = []
    if "before" not in request.args and all(post.user_id == current_user.id for post in page.items):
        suggestions = FollowRepository(conn).suggestions(current_user.id, limit=SUGGESTIONS)
    return render_template("posts/feed.html", posts=page.items, next_cursor=page.next_cursor,
                           suggestions=suggestions)


@bp.get("/explore")
@login_required
def explore():
    """Everyone's posts, newest first, keyset-paginated with ?before=."""
    posts = PostRepository(get_conn())
    page = keyset_page(lambda before, limit: posts.feed(current_user.id, before, limit=limit),
                       current_app.config["FEED_PAGE_SIZE"])
    return render_template("posts/explore.html", posts=page.items, next_cursor=page.next_cursor)


@bp.route("/posts/new", methods=["GET", "POST"])
@form_view
@accepts_upload
@login_required
def create():
    """Upload a photo with a caption and alt text."""
    form = PostForm()
    if refused_upload(form.image):
        return render_template("posts/create.html", form=form), 413
    if not form.validate_on_submit():
        return render_template("posts/create.html", form=form), 400 if form.is_submitted() else 200
    try:
        image = read_upload(form.image, "post")
        post_id = publish_post(get_conn(), get_store(), current_user.id, image,
                               caption=form.caption.data, alt_text=form.alt_text.data, quota_bytes=storage_quota())
    except UploadRefused as exc:
        form.image.errors.append(str(exc))
        return refused(render_template("posts/create.html", form=form), exc)
    except UserNotFound:
        return account_gone()
    except StorageUnavailable as exc:
        current_app.logger.warning("post upload failed: %s", exc)
        form.image.errors.append(STORAGE_DOWN_MESSAGE)
        return render_template("posts/create.html", form=form), 503
    flash("Your photo is posted.", "success")
    return redirect(url_for("posts.show", post_id=post_id))


def _post_or_404(post_id: int):
    post = PostRepository(get_conn()).get(post_id, current_user.id)
    if post is None:
        abort(404)
    return post


@bp.get(f"/posts/{POST_ID}")
@login_required
def show(post_id: int):
    """One post and its comments, oldest first, keyset-paginated with ?after=."""
    return render_post_page(post_id)


def render_post_page(post_id: int, comment_form: CommentForm | None = None, status: int = 200,
                     here: str | None = None):
    """The post page; `comment_form` is a refused comment, shown again with its errors under the
    comments. `here` is the page's own URL, where its buttons send the viewer back (default: this
    request's)."""
    post = _post_or_404(post_id)
    comments = CommentRepository(get_conn())
    page = keyset_page(lambda after, limit: comments.page(post_id, after, limit=limit), COMMENTS_PAGE_SIZE,
                       arg="after")
    return render_template("posts/show.html", post=post, button=ButtonForm(),
                           comment_body=comment_form.body.data if comment_form else "",
                           comment_errors=comment_form.body.errors if comment_form else (),
                           comments=page.items, next_cursor=page.next_cursor,
                           here=here or (request.full_path if request.query_string else request.path)), status


@bp.route(f"/posts/{POST_ID}/edit", methods=["GET", "POST"])
@form_view
@login_required
def edit(post_id: int):
    """Edit caption and alt text (author only)."""
    post = _post_or_404(post_id)
    if post.user_id != current_user.id:
        abort(403)
    form = EditPostForm(data={"caption": post.caption, "alt_text": post.alt_text})
    if form.validate_on_submit():
        if not edit_post(get_conn(), post_id, current_user.id, form.caption.data, form.alt_text.data):
            abort(404)
        flash("Your post is updated.", "success")
        return redirect(url_for("posts.show", post_id=post_id))
    return render_template("posts/edit.html", form=form, post=post), 400 if form.is_submitted() else 200


@bp.post(f"/posts/{POST_ID}/delete")
@login_required
def delete(post_id: int):
    """Delete a post, its likes and its stored image (author only)."""
    post = _post_or_404(post_id)
    if post.user_id != current_user.id:
        abort(403)
    if not delete_post(get_conn(), get_store(), post_id, current_user.id):
        abort(404)
    flash("Your post is deleted.", "success")
    return redirect(url_for("profiles.show", username=current_user.username))


def _like_response(post_id: int):
    state = LikeRepository(get_conn()).state(current_user.id, post_id)
    if state is None:
        abort(404)
    if wants_json():
        return jsonify(liked=state.liked, like_count=state.like_count)
    next_url = request.args.get("next") or request.form.get("next")
    target = next_url if is_local_path(next_url) else url_for("posts.show", post_id=post_id)
    # Back to the post itself, not the top of the page it was on (without JavaScript, a like reloads).
    return redirect(f"{target.partition('#')[0]}#post-{post_id}")


@bp.post(f"/posts/{POST_ID}/like")
@login_required
def like(post_id: int):
    """Like a post (idempotent)."""
    try:
        with transaction():
            LikeRepository(get_conn()).like(current_user.id, post_id)
    except PostNotFound:
        abort(404)
    return _like_response(post_id)


@bp.post(f"/posts/{POST_ID}/unlike")
@login_required
def unlike(post_id: int):
    """Remove a like (idempotent)."""
    with transaction():
        LikeRepository(get_conn()).unlike(current_user.id, post_id)
    return _like_response(post_id)


@bp.get(f"/posts/{POST_ID}/likes")
@login_required
def likes(post_id: int):
    """Who liked a post, most recent first."""
    post = _post_or_404(post_id)
    repository = LikeRepository(get_conn())
    page = keyset_page(lambda before, limit: repository.likers(post_id, before, limit=limit), LIKERS_PAGE_SIZE)
    return render_template("posts/likes.html", post=post, likers=page.items, next_cursor=page.next_cursor)
