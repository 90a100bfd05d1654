"""Line classifiers for plain text: comment headers, tag lines, share/subscribe lines, link boxes."""

from __future__ import annotations

import re

_COUNT = r"(?:\d[\d,.]*|no|one|two|three|four|five|six|seven|eight|nine|ten)"
_NOUN = (
    r"(?:thoughts?|comments?|responses?|repl(?:y|ies)|reactions?|opinions?|"
    r"коммент\w*|комент\w*|відгук\w*|отзыв\w*|ответ\w*|відповід\w*)"
)
_SECTION = (
    r"(?:comments?|responses?|replies|discussion|conversation|reactions?|"
    r"комментарии|коментарі|обсуждение|обговорення|отзывы|відгуки)"
)

COMMENT_HEADER = re.compile(
    rf"""^(?:
        {_COUNT}\s+{_NOUN}(?:\s+(?:on|to|so\s+far|yet|for|about)\b.*)?
      | (?:readers?'?\s+|user\s+|latest\s+|all\s+)?{_SECTION}\s*(?:[(\[]\s*\d+\s*[)\]])?
      | {_SECTION}\s+(?:on|to)\s+["'].*
      | (?:leave|post|add|write|submit|join|have)\s+(?:a|an|your|the)?\s*(?:reply|comment|response|discussion|conversation|say)\b.*
      | (?:show|view|load|read|see|hide)\s+(?:all\s+)?(?:\d+\s+)?(?:comments?|replies|responses)\b.*
      | .{{0,120}}\|\s*\d+\s+(?:comments?|responses?|replies)
      | (?:comments?|commenting|discussion)\s+(?:are\s+|is\s+|has\s+been\s+)?(?:now\s+)?(?:closed|disabled|off)
      | you\s+must\s+be\s+logged\s+in\s+to\s+(?:post\s+a\s+)?comment.*
      | (?:оставить|добавить|написать)\s+(?:комментарий|отзыв)\b.*
      | (?:залишити|додати|написати)\s+(?:коментар|відгук)\w*\b.*
      | (?:комментарии|коментарі|коментування|обсуждение)\s+(?:закрыты|закрито|закрыто)
    )\s*[:.]?$""",
    re.I | re.X,
)

TAG_LINE = re.compile(
    r"""^(?:
        (?:tags?|tagged(?:\s+(?:with|as|in))?|categor(?:y|ies)|topics?|keywords|labels|
           теги|тэги|метки|мітки|теґи|рубрик[аи]|темы|теми|ключевые\s+слова|ключові\s+слова)\s*[:|]
      | (?:posted|filed|published)\s+(?:in|under)\s+(?=[^.]*(?:,|\||$))
    )\s*\S.*$""",
    re.I | re.X,
)

SHARE_LINE = re.compile(
    r"""^(?:
        share(?:\s+this)?(?:\s+(?:article|story|post|page))?(?:\s+(?:on|via|with)\s+.{1,30})?
      | click\s+to\s+(?:share|print|email|tweet).*
      | like\s+this | tweet(?:\s+this)? | print(?:\s+this(?:\s+(?:article|page))?)? | e-?mail(?:\s+this)?
      | facebook | twitter | x | whatsapp | telegram | linkedin | reddit | pinterest | viber | vk | copy\s+link
      | поделиться | поширити | поділитися | like | reply | report | (?:like\s+)?loading\.{0,3}
    )\s*:?$""",
    re.I | re.X,
)

PROMO_LINE = re.compile(
    r"""^(?:
        subscribe\b | sign\s+up\b.{0,60}$ | sign\s+up\b.*\bnewsletter | get\s+(?:our|the)\s+.{0,60}newsletter
      | follow\s+us\b | support\s+(?:us|our\s+(?:journalism|work|reporting)|independent\s+journalism|this\s+(?:site|blog))\b
      | donate(?:\s+(?:now|today|here))?\W*$ | become\s+a\s+(?:member|patron|subscriber)\b
      | (?:our|this)\s+journalism\s+is\s+free | advertisement$ | advertising$
      | подпишитесь | підпишіться | поддержите\s+(?:нас|редакцию) | підтримайте\s+(?:нас|редакцію)
    )""",
    re.I | re.X,
)

BOX_HEADER = re.compile(
    r"""^(?:
        related(?:\s+(?:posts?|articles?|stories|coverage|news|content|reading|links|topics))?
      | read\s+(?:more|next|also) | see\s+also | also\s+read | more\s+on\s+this(?:\s+story|\s+topic)?
      | more\s+(?:stories|news|from\s+.{1,40}) | recommended(?:\s+(?:for\s+you|stories|reading))?
      | you\s+(?:may|might)\s+also\s+(?:like|be\s+interested\s+in|enjoy) | most\s+(?:read|popular|viewed|shared)
      | popular\s+(?:now|stories|posts) | trending(?:\s+now)? | latest\s+(?:news|stories|posts|headlines)
      | recent\s+(?:posts|articles|stories|entries) | previously | (?:next|previous)\s+(?:post|article|story)
      | top\s+stories | editor'?s\s+picks?
      | читайте\s+(?:также|також|еще|ще) | дивіться\s+також | смотрите\s+также | по\s+теме | на\s+тему
      | схожі\s+(?:новини|статті) | похожие\s+(?:новости|статьи) | популярное | популярне | последние\s+новости
      | останні\s+новини
    )\s*(?::\s*(?P<inline>.*))?$""",
    re.I | re.X,
)

COMMENT_JUNK = re.compile(
    r"""^(?:
        cancel\s+reply | your\s+email\s+address\s+will\s+not\s+be\s+published.* | required\s+fields\s+are\s+marked.*
      | (?:name|email|website|comment)\s*\*? | post\s+comment | save\s+my\s+name.* | notify\s+me\s+of.*
      | log\s+in\s+to\s+reply | (?:\d+\s+)?likes? | upvote | downvote | flag | permalink
    )\s*:?$""",
    re.I | re.X,
)

SAYS_HEADER = re.compile(r"^\S.{0,60}?\s(?:says|wrote|пишет|пише|написал[аи]?|написав|написала):$", re.I)
LIST_MARK = re.compile(r"^\s*(?:\d{1,3}[.)]|[\u2022\u00b7\u25e6\u25aa\u25cf\u2023\u2043*\-\u2013>])\s+")
_TERMINAL = re.compile(r"""[.!?\u2026]["'\u201d\u2019\u00bb)]*$""")


def is_comment_header(line: str) -> bool:
    """A line that opens (or closes) a reader-comment section: '15 thoughts on ...', 'Comments are closed'."""
    if len(line) > 200 or len(line.split()) > 20:
        return False
    return COMMENT_HEADER.match(line) is not None


def is_tag_line(line: str) -> bool:
    """'Tags: a, b, c', 'Filed under: ...', 'Posted in X, Y | 41 comments'."""
    return len(line) <= 400 and not line.endswith(".") and TAG_LINE.match(line) is not None


def is_share_line(line: str) -> bool:
    """Share buttons and similar one-word furniture ('Share this:', 'Twitter', 'Print')."""
    return len(line) <= 60 and SHARE_LINE.match(line) is not None


def is_promo_line(line: str) -> bool:
    """Subscribe / newsletter / donation pitches."""
    return len(line) <= 200 and PROMO_LINE.match(line) is not None


def box_header(line: str) -> tuple[bool, str | None]:
    """(is a related-links / read-next header, the inline link text after a colon if any)."""
    if len(line) > 200:
        return False, None
    match = BOX_HEADER.match(line)
    if not match:
        return False, None
    inline = match.group("inline")
    return True, (inline.strip() or None) if inline is not None else None


def is_comment_junk(line: str) -> bool:
    """Comment-form furniture: 'Cancel reply', 'Your email address will not be published', 'Reply'."""
    return len(line) <= 120 and (COMMENT_JUNK.match(line) is not None or is_share_line(line))


def is_says_header(line: str) -> bool:
    """'Oleg_from_Toronto says:' alone on a line (a comment's author line)."""
    return SAYS_HEADER.match(line) is not None


def ends_sentence(line: str) -> bool:
    """Whether the line ends with sentence-final punctuation (possibly followed by a closing quote)."""
    return _TERMINAL.search(line) is not None


def is_prose(line: str) -> bool:
    """A line that reads like running text rather than a link title or a label."""
    words = len(line.split())
    return ends_sentence(line) and (words >= 12 or len(line) >= 80)
