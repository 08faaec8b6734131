"""The citizens' search over a draft's comments ("In Kommentaren suchen"): a plain GET page."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import get_language

from drafts import selectors as draft_selectors

from .search import MAX_QUERY_CHARS, comments_search, query_words, search_language
from .selectors import readable_comments

RESULTS_PER_PAGE = 20


def draft_search(request, slug: str):
    """`?q=WORDS`: the comments of the draft with these words in some form (German word forms,
    English ones on /en/ pages), newest first, 20 a page, each with the paragraph that shows it
    now. Readers get what the API gives them (published and their own pending comments). The
    page says what was searched: a query cut at MAX_QUERY_CHARS, and words too common to search
    for (a query of such words only finds nothing, and says why)."""
    draft = draft_selectors.draft_get(slug=slug, user=request.user)
    language = search_language(get_language())
    asked = query_words(request.GET.get("q", ""), language)
    text = asked.searched
    page = None
    if asked.words:
        found = comments_search(
            readable_comments(user=request.user, draft=draft), text=text, language=language
        )
        found = found.select_related("author", "paragraph", "draft").order_by("-created_at", "-pk")
        page = Paginator(found, RESULTS_PER_PAGE).get_page(request.GET.get("page", 1))
        numbers = {p.key: p.number for p in draft_selectors.paragraphs_current(draft=draft)}
        for comment in page.object_list:
            key = comment.paragraph.current_id
            comment.shown_key = str(key) if key else ""
            comment.shown_number = numbers.get(str(key)) if key else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "comments/search.html",
        {
            "draft": draft,
            "q": text,
            "asked": asked,
            "max_chars": MAX_QUERY_CHARS,
            "page_obj": page,
            "query": query.urlencode(),
        },
    )
