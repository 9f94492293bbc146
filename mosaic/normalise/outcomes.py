"""Classify free-text outcomes ("NCND s24(2)", "Held - exempt", "not_held"...) into :class:`Outcome`.

Why: the whole tool compares what authorities *did* with the same question, so "Neither confirm nor deny",
"NCND", "N.C.N.D." and "We can neither confirm nor deny that we hold..." must all become ``ncnd``, and a
police "not held (overt); NCND (covert)" must become ``ncnd_partial``, not ``not_held``.

How a value is classified, in order (the first step that matches wins):

1. **Platform crosswalk** (:data:`ALAVETELI_STATES`): the value is an Alaveteli/WhatDoTheyKnow
   ``described_state`` spelt as the platform spells it (``not_held``; case is ignored only when there is
   an underscore, so a person's "Vexatious" goes to the text rules). No platform has NCND as a state of
   its own, so ``rejected`` (which may be an NCND or a withholding) maps to ``refused`` with the info
   issue ``platform_state_ambiguous``: the letter must be read.
2. **Text rules** (:data:`OUTCOME_RULES`), tried in order on folded text (lower case, punctuation as
   spaces, ``N.C.N.D.`` -> ``ncnd``; see :func:`mosaic.normalise.values.fold_text`). The order *is* the
   precedence:

   a. nothing but a placeholder (``?``, ``unknown``, ``n/a``, ``tbc``) -> ``unknown``;
   a2. NCND wording on cost or vexatiousness grounds ("NCND on cost grounds (s12(2))", s12 or s14 cited)
      and no confirm-or-deny limb of an exemption -> ``refused`` with the info issue
      ``ncnd_on_refusal_grounds``: s12(2) and s14 say nothing about whether anything exists, so the answer
      is a refusal, never a security NCND;
   b. NCND wording together with a sign that the rest was answered -> ``ncnd_partial``: an overt/covert
      split, "partial", "not held" (but not "whether it is or is not held"), "any other/further
      information", "please find attached", "unable to locate", "for question 6" (the real police letters
      in ``tests/realdata/answers.csv`` use each of these);
   c. NCND wording anywhere (``ncnd``, "neither confirm nor deny", "cannot confirm or deny", "Glomar",
      "exempt from the duty to confirm or deny") -> ``ncnd``: it beats every other word, because an
      answer that NCNDs is an NCND whatever else the sentence says;
   d. withdrawn; e. no response (awaiting, overdue); f. partially disclosed (before "withheld" and "not
      held", which partial answers also mention);
   g. refused for cost or vexatiousness (s12, s14, "exceeds cost", "vexatious", EIR 12(4)(b)): these
      neither confirm nor deny *in effect* but are not NCNDs;
   h. not held / not used / plain "No" -> ``not_held``;
   h2. part given and part withheld -> ``partially_disclosed``: something given (information attached, "as
      follows", "1. Yes", "have used drones", a count, "currently operates") together with something
      withheld ("exempt", "withheld", "will not be disclosed", "not possible to disclose", or a withholding
      exemption cited in the row) ("disclose some ... some withheld", the Metropolitan Police's wording);
   i. held but withheld ("Held - exempt", "Withheld") -> ``withheld``: only an answer that says the
      information is held confirms;
   j. only duty-to-confirm-or-deny limbs cited and none of the words above (``Refused - s24(2)``,
      ``s23(5)``) -> ``ncnd`` with the info issue ``ncnd_inferred_from_exemption`` (those limbs exist only
      to NCND; exemptions are read with :func:`mosaic.normalise.exemptions.exemption_codes`);
   k. any other exemption cited, or "exempt" ("Refused - exempt", ``refused_exempt``, ``s43(2)``) ->
      ``refused`` with ``outcome_ambiguous``: a refusal that cites exemptions without saying whether
      anything is held is not a confirmation;
   l. a bare refusal ("Refused", "Rejected", "Unsuccessful") -> ``refused`` with the info issue
      ``outcome_ambiguous``: it does not say whether the information is held;
   m. disclosed ("Yes", "Confirmed", "Held", "Provided", "Released", "Successful");
   n. internal review pending -> ``unknown`` with ``outcome_ambiguous``;
   o. clarification sought, transferred, not an FOI request -> ``other`` (recognised, no issue).
3. Anything else -> ``other`` with the warning ``unrecognised_outcome``; the caller keeps the text.
4. **The codes cited elsewhere in the row** (the exemptions column) count like codes in the text, and
   decide one more thing: an answer read as disclosed, partially disclosed or not held that also cites a confirm-or-deny limb (``partial`` with ``s24(2); s31(3)``, the police
   "not held for overt use, NCND for covert use") is ``ncnd_partial`` with the info issue
   ``ncnd_partial_inferred_from_exemption``: part of the answer neither confirmed nor denied, so it must
   never head a list of confirmations.

Null input is not in the output: the caller maps a blank outcome to ``unknown``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from mosaic.normalise.exemptions import NCND_LIMBS, REFUSAL_CODES, exemption_codes
from mosaic.normalise.values import _quote, build_result, distinct_strings, fold_text
from mosaic.schema.vocab import STANCE_BY_OUTCOME, Outcome, Severity

__all__ = [
    "ALAVETELI_STATES", "ISSUE_SEVERITY", "OUTCOME_RULES", "OutcomeRule", "classify_outcome_rows", "classify_outcomes", "stance_expr",
]  # fmt: skip

#: Severity of every issue code :func:`classify_outcomes` emits.
ISSUE_SEVERITY: dict[str, Severity] = {
    "unrecognised_outcome": Severity.WARNING,
    "platform_state_ambiguous": Severity.INFO,
    "outcome_ambiguous": Severity.INFO,
    "ncnd_inferred_from_exemption": Severity.INFO,
    "ncnd_partial_inferred_from_exemption": Severity.INFO,
    "ncnd_on_refusal_grounds": Severity.INFO,
}

_READ_LETTER = "read the letter to see what the authority actually said"

#: Alaveteli (WhatDoTheyKnow) ``described_state`` -> (outcome, note). A note makes the value an info issue
#: ``platform_state_ambiguous`` whose message is the note. The states come from Alaveteli's
#: ``InfoRequest`` model; the ``waiting_*`` and ``*_overdue`` ones are its computed display states.
ALAVETELI_STATES: dict[str, tuple[Outcome, str | None]] = {
    # Requester still waiting for an answer inside the statutory time.
    "waiting_response": (Outcome.NO_RESPONSE, None),
    # Computed: past the 20 working days / far past them.
    "waiting_response_overdue": (Outcome.NO_RESPONSE, None),
    "waiting_response_very_overdue": (Outcome.NO_RESPONSE, None),
    # The authority asked the requester to clarify; no answer on the substance yet.
    "waiting_clarification": (Outcome.OTHER, None),
    # The requester has not yet classified the latest response.
    "waiting_classification": (Outcome.UNKNOWN, f"the platform says the response was never classified; {_READ_LETTER}"),
    # Handled by post: the answer exists but is not on the platform.
    "gone_postal": (Outcome.UNKNOWN, f"the answer was sent by post and is not on the platform; {_READ_LETTER}"),
    # "Information not held".
    "not_held": (Outcome.NOT_HELD, None),
    # "Refused": covers NCND, held-but-withheld, cost and vexatious refusals alike.
    "rejected": (
        Outcome.REFUSED,
        f"the platform files NCNDs and withheld answers alike under 'rejected'; {_READ_LETTER}",
    ),
    # "Successful": the information was provided.
    "successful": (Outcome.DISCLOSED, None),
    # "Partially successful".
    "partially_successful": (Outcome.PARTIALLY_DISCLOSED, None),
    # Awaiting internal review: the final answer is not known yet.
    "internal_review": (Outcome.UNKNOWN, f"an internal review was pending, so the final answer is not known; {_READ_LETTER}"),
    # Delivery error: the request may never have reached the authority.
    "error_message": (Outcome.OTHER, f"the platform recorded a delivery error, so the authority may never have received the request; {_READ_LETTER}"),
    # "Unusual response" needing an administrator.
    "requires_admin": (Outcome.UNKNOWN, f"the platform flagged the response as unusual; {_READ_LETTER}"),
    # Reported for administrator attention (often hidden).
    "attention_requested": (Outcome.UNKNOWN, f"the request was reported to the platform's administrators; {_READ_LETTER}"),
    # Withdrawn by the requester.
    "user_withdrawn": (Outcome.WITHDRAWN, None),
    # Platform admins judged the *request* vexatious and hid it; an authority's s14 refusal reads the same.
    "vexatious": (
        Outcome.REFUSED,
        f"on WhatDoTheyKnow 'vexatious' means the site's administrators hid the request, not necessarily an s14 refusal; {_READ_LETTER}",
    ),
    # Platform admins judged it not an FOI request and hid it.
    "not_foi": (Outcome.OTHER, None),
}  # fmt: skip


@dataclass(frozen=True)
class OutcomeRule:
    """One step of the precedence list.

    A rule matches when its ``pattern`` finds the folded text, or when ``cites`` accepts the set of
    exemption codes the raw text cites (either suffices; a rule may have one or both).
    """

    name: str
    outcome: Outcome
    pattern: re.Pattern[str] | None = None
    cites: Callable[[frozenset[str]], bool] | None = None
    issue: str | None = None
    message: str | None = None
    """Message template for ``issue``; ``{value}`` is the quoted input, ``{codes}`` the NCND limbs cited."""
    when: Callable[[str, frozenset[str]], bool] | None = None
    """A rule that needs text and codes together (the cost rule) gives this instead of ``pattern``/``cites``."""
    unless: re.Pattern[str] | None = None
    """Text that stops the rule from matching even when ``pattern`` or ``cites`` would."""

    def matches(self, folded: str, codes: frozenset[str]) -> bool:
        """Whether the rule applies to this folded text and these cited codes."""
        if self.unless is not None and self.unless.search(folded):
            return False
        if self.when is not None:
            return self.when(folded, codes)
        return bool(self.pattern and self.pattern.search(folded)) or bool(self.cites and self.cites(codes))


_NCND = (
    r"\bn ?c ?n ?d\b"
    r"|\bneither\b.{0,60}?\bconfirm\w*\b.{0,40}?\bn?or\b.{0,10}?\bden(?:y|ied|ies|ying)\b"
    r"|\b(?:not|cannot|cant|unable to|refuse\w* to|decline\w* to|wont|will not|may not|dont|doesnt|nor)\b"
    r".{0,40}?\bconfirm\w* (?:n?or|and|and or) den(?:y|ied|ies|ying)\b"
    r"|\bglomar\b"
    r"|\b(?:exempt\w*|excluded|exclusion|relieved) from (?:the |our |its )?duty to confirm or deny\b"
    r"|\bduty to confirm or deny (?:does not|doesnt|do not|did not|shall not) (?:apply|arise)\b"
)
_SPLIT = (
    r"\bovert(?:ly)?\b|\bpartial(?:ly)?\b|\bpart\b|\bin part\b"
    r"|\bcovert\b.*\b(?:not held|no information|not used|do not use|dont use|disclosed|provided|released)\b"
    r"|\b(?:not held|no information|not used|do not use|dont use|disclosed|provided|released)\b.*\bcovert\b"
    # the rest of the letter answered: "NCND that it holds any other information", "not held ... additionally
    # NCND", "please find attached ... in addition NCND", "unable to locate ... NCND", "for question 6"
    r"|\bany (?:other|further) (?:relevant |recorded )?information\b|(?<!\bor )(?<!\bor is )(?<!\bwhether )\bnot held\b"
    r"|\battached\b|\bresponse below\b|\bunable to locate\b|\bfor (?:question|point|part)s? \d"
    r"|\bin addition to the above\b|\b(?:decided|able) to disclose\b|\bwill disclose some\b"
)


_COST_OR_VEXATIOUS = (
    r"\bcost\w*\b|\bexceed\w*\b|\bappropriate limit\b|\bvexatious\b|\brepeat(?:ed)? request\b"
    r"|\bs(?:ection)? ?1[24]\b"
)


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.DOTALL)


_NCND_RX = _rx(_NCND)
_COST_OR_VEXATIOUS_RX = _rx(_COST_OR_VEXATIOUS)
#: Part of the answer was given: something attached or listed, a use or a count stated.
_GIVEN_RX = _rx(
    r"\battached the\b|\b(?:information|documents?|data|cop(?:y|ies)) (?:is |are )?attached\b|\battached (?:is|are)\b"
    r"|\bas follows\b|\bable to disclose\b|\bdisclose (?:the |some )\b|\bmajority of the information\b"
    r"|(?:^|\b1 )yes\b|\b(?:have|has) used (?!(?:\w+ ){0,5}(?:exemptions?|sections?)\b)|\bcurrently (?:operates|uses|has|holds|still in use|in use)\b|\bstill in use\b"
    r"|\b\d+ (?:\w+ ){0,2}(?:has|have) been (?:received|recorded|made|used|deployed)\b|\bthere (?:are|is|were|was) (?:currently )?\d+\b"
    r"|\babove is all (?:of )?the information (?:we|that we|which we) (?:hold|can disclose)\b|\bq ?\d+[a-z]? yes\b"
    r"|\bthere (?:has|have) been (?:in excess of |over |more than |around |about |approximately )?\d+\b"
)
#: The letter says in words that the information (or some of it) is held: whatever is refused after that,
#: the authority has confirmed holding it ("held but exempt" confirms). Not after "whether" or "if".
_HELD_SAID_RX = _rx(
    r"\b(?:holds|does hold) (?:some |all |part |further )?(?:of )?(?:the )?information\b"
    r"|(?<!whether )(?<!if )\bthe information (?:you have |you )?requested is held\b"
    r"|(?<!not )\bis held,? in part\b|(?<!not )\bheld in part by\b"
)
#: Part of the letter says nothing is held ("2. No information held"): beside a "held" it is a partial answer.
_NOT_HELD_PART_RX = _rx(r"\bno information (?:is )?held\b|(?<!whether )(?<!or )\bnot held\b")
#: An interim letter: more time is needed (a public interest extension), not the answer itself.
_EXTENSION_RX = _rx(
    r"\b(?:need|require)s? (?:further|more|additional|extra) time\b|\bextend\w* the (?:time|deadline)\b"
)
#: "For anything else we would rely on the following": the exemptions follow in the letter, and they decide
#: whether the rest was withheld or neither confirmed nor denied.
_RELIES_ON_UNNAMED = r"\bfor anything else we (?:would |will )?rely on\b"
_RELIES_ON_UNNAMED_RX = _rx(_RELIES_ON_UNNAMED)
#: Part of the answer was withheld (a confirm-or-deny limb is not this: it makes a partial NCND instead).
_WITHHOLDING_RX = _rx(
    r"\bexempt\w*\b|\bwithh(?:e|o)ld\w*\b|\bnot (?:be )?(?:disclosed|released|provided)\b|\bnot possible to disclose\b"
    r"|\bunable to (?:provide|disclose|release)\b|\bnot (?:required|obliged) to (?:release|disclose|provide) all\b"
    r"|\brefusal notice\b|\bnot obliged to (?:supply|provide|disclose|release)\b|"
    + _RELIES_ON_UNNAMED
    + r"|\bnot retrievable\b"  # ``_NOT_RETRIEVABLE_RX``'s mask: the rest exists but was not searched for
)


def _given_and_withheld(folded: str, codes: frozenset[str]) -> bool:
    """Part of the answer was given and part withheld (in words, or by a disclosure exemption cited)."""
    return bool(_GIVEN_RX.search(folded)) and (
        bool(_WITHHOLDING_RX.search(folded)) or bool(codes - NCND_LIMBS - REFUSAL_CODES)
    )


#: The precedence list for free text (see the module docstring); the first matching rule wins.
OUTCOME_RULES: list[OutcomeRule] = [
    OutcomeRule(
        "placeholder", Outcome.UNKNOWN, _rx(r"^(?:|unknown|not known|unclear|n ?a|tbc|tbd|null|none|nil|blank|unk)$")
    ),
    OutcomeRule(
        "ncnd_on_refusal_grounds",
        Outcome.REFUSED,
        when=lambda folded, codes: (
            bool(_NCND_RX.search(folded))
            and (bool(_COST_OR_VEXATIOUS_RX.search(folded)) or bool(codes & REFUSAL_CODES))
            and not codes & NCND_LIMBS
        ),
        issue="ncnd_on_refusal_grounds",
        message=(
            "{value} neither confirms nor denies on cost or vexatiousness grounds (s12(2), s14): that says nothing "
            "about whether the information exists, so it was read as 'refused', not as a neither-confirm-nor-deny answer."
        ),
    ),
    OutcomeRule("ncnd_partial", Outcome.NCND_PARTIAL, _rx(rf"^(?=.*?(?:{_NCND}))(?=.*?(?:{_SPLIT}))")),
    OutcomeRule("ncnd", Outcome.NCND, _rx(_NCND)),
    OutcomeRule(
        "withdrawn", Outcome.WITHDRAWN, _rx(r"\bwithdr[ae]wn?\b|\bwithdrew\b|\bcancell?ed by (?:the )?requester\b")
    ),
    OutcomeRule(
        # Dyfed-Powys 413/2022: "we believe that we need further time in which to provide a full response":
        # an extension notice, not the answer (whatever it says it holds)
        "extension_notice",
        Outcome.OTHER,
        _EXTENSION_RX,
    ),
    OutcomeRule(
        "no_response",
        Outcome.NO_RESPONSE,
        _rx(
            r"\bno (?:response|reply|answer)\b|\b(?:awaiting|waiting(?: for)?) (?:a |the )?(?:response|reply|answer)\b"
            r"|\boverdue\b|\bnot (?:yet )?(?:responded|answered|replied)\b|\bunanswered\b"
            r"|\bnever (?:responded|answered|replied)\b|\bignored\b"
        ),
    ),
    OutcomeRule(
        "partially_disclosed",
        Outcome.PARTIALLY_DISCLOSED,
        _rx(
            r"\b(?:partial(?:ly)?|part(?:ly)?) (?:disclos\w*|success\w*|releas\w*|provid\w*|grant\w*|answer\w*"
            r"|complied|compliance|withheld|refus\w*|redact\w*)\b|\b(?:disclosed|released|provided) in part\b"
            r"|^partial$"
        ),
    ),
    OutcomeRule(
        # Northumbria 1161/21: "the information you have requested is held in part [...] 1. CCTV only. 2. No
        # information held"; North Yorkshire 0880-2023/24: "held [...] Q1. No [...] Q5. Yes [...] I am exempting"
        "held_said_and_given",
        Outcome.PARTIALLY_DISCLOSED,
        when=lambda folded, codes: (
            bool(_HELD_SAID_RX.search(folded))
            and (bool(_NOT_HELD_PART_RX.search(folded)) or _given_and_withheld(folded, codes))
        ),
    ),
    OutcomeRule(
        # Essex 21708: "Essex Police holds some of the information [...] Exemption - Section 12(1)": held, then
        # refused (cost included): held but not given, so withheld, which confirms
        "held_said_and_refused",
        Outcome.WITHHELD,
        when=lambda folded, codes: (
            bool(_HELD_SAID_RX.search(folded))
            and (
                bool(_WITHHOLDING_RX.search(folded))
                or bool(_COST_OR_VEXATIOUS_RX.search(folded))
                or bool(codes - NCND_LIMBS)
            )
        ),
    ),
    OutcomeRule(
        "refused_cost_or_vexatious",
        Outcome.REFUSED,
        _rx(
            r"\bcost (?:limit|threshold|exceed\w*|of compliance)\b|\bexceed\w* (?:the )?(?:appropriate |cost |fees? )?"
            r"(?:limit|cost|costs)\b|\bappropriate limit\b|\brefus\w*\b.{0,20}\bcosts?\b|\bvexatious\b"
            r"|\brepeat(?:ed)? request\b|\bmanifestly unreasonable\b|\breg\w* ?12 ?\(4\) ?\(b\)"
        ),
        cites=lambda codes: bool(codes & REFUSAL_CODES),
        unless=_rx(r"\bwithh(?:e|o)ld\b"),  # "withheld X, and the rest would exceed the cost limit" says X is held
    ),
    OutcomeRule(
        "not_held",
        Outcome.NOT_HELD,
        _rx(
            r"\bnot held\b|\bno (?:\w+ ){0,3}held\b|\b(?:do|does|did) not (?:hold|use|have|possess|own)\b"
            r"|\b(?:dont|doesnt|didnt) (?:hold|use|have|possess|own)\b|\bnot (?:used|in use|using|deployed)\b"
            r"|\bno longer (?:used|in use)\b|\bnever used\b|\bnil return\b|^no\b|^(?:denied|deny)$"
            # "I can confirm that [the force] does hold the information requested, as outlined below. Predictive
            # Policing – No": the information held is the answer, and every item of it is "No"
            r"|\b(?:as outlined below|as follows|as below|see below)(?: (?:[a-z]+ ){0,6}no)+$"
            r"|\breg\w* ?12 ?\(4\) ?\(a\)"  # EIR: information not held
        ),
    ),
    OutcomeRule(
        # Cleveland Police, FOI 44-26: "above is all the information we can disclose and for anything else we
        # would rely on the following", the exemptions not in the text: the rest may be withheld (a partial
        # answer) or neither confirmed nor denied (a partial NCND). With the codes given it is read below.
        "given_rest_unnamed",
        Outcome.UNKNOWN,
        when=lambda folded, codes: (
            not codes and bool(_GIVEN_RX.search(folded)) and bool(_RELIES_ON_UNNAMED_RX.search(folded))
        ),
        issue="outcome_ambiguous",
        message=(
            f"{{value}} gives some information and relies on exemptions for the rest without naming them, so "
            f"whether the rest was withheld or neither confirmed nor denied is not known ({_READ_LETTER}, or give "
            "the exemptions it cites)."
        ),
    ),
    OutcomeRule(
        "given_and_withheld",
        Outcome.PARTIALLY_DISCLOSED,
        when=_given_and_withheld,
    ),
    OutcomeRule(
        "withheld",
        Outcome.WITHHELD,
        _rx(
            r"\bwithheld\b|(?<!not )\bheld\b.{0,20}\b(?:exempt\w*|not disclosed|refused|redacted)\b"
            r"|\b(?:is|are) held\b.{0,60}?\bcannot be (?:disclosed|provided|released)\b"
            r"|(?<!not )\bheld\b.{0,10}\bintended for (?:future )?publication\b"
        ),
    ),
    OutcomeRule(
        "ncnd_limb_cited",
        Outcome.NCND,
        cites=lambda codes: bool(codes) and codes <= NCND_LIMBS,
        issue="ncnd_inferred_from_exemption",
        message="{value}, citing only duty-to-confirm-or-deny limbs ({codes}) and giving no other answer, was read as neither confirm nor deny.",
    ),
    OutcomeRule(
        "exemption_cited",
        Outcome.REFUSED,
        _rx(r"(?<!\bunless )\bexempt\w*\b"),  # "unless exemptions apply" quotes the Act, it cites nothing
        cites=bool,
        issue="outcome_ambiguous",
        message=f"{{value}} cites exemptions but does not say whether the information is held; it was read as 'refused' ({_READ_LETTER}).",
    ),
    OutcomeRule(
        "bare_refusal",
        Outcome.REFUSED,
        _rx(
            r"\brefus\w*\b|\breject\w*\b|\bdeclined\b|\bunsuccessful\b|\bnot disclosed\b|\bdenied\b"
            r"|\bnot obliged to (?:supply|provide|disclose|release)\b"
        ),
        issue="outcome_ambiguous",
        message=f"{{value}} does not say whether the information is held; it was read as 'refused' ({_READ_LETTER}).",
    ),
    OutcomeRule(
        "disclosed",
        Outcome.DISCLOSED,
        _rx(
            r"^yes\b|\bconfirm\w*\b|(?<!not )\bheld\b|\bdisclos\w*\b|\bprovided\b|\breleas(?:e|ed|es|ing)\b|\bsuccessful\b"
            r"|\bhave the following\b"
            r"|\bgranted\b|\bsupplied\b|\banswered\b|\bcomplied\b|\bin use\b|^used$|\binformation (?:sent|given)\b"
        ),
    ),
    OutcomeRule(
        "internal_review",
        Outcome.UNKNOWN,
        _rx(r"\binternal review\b"),
        issue="outcome_ambiguous",
        message=f"{{value}} mentions an internal review but no answer, so the outcome is unknown ({_READ_LETTER}).",
    ),
    OutcomeRule(
        "other_recognised",
        Outcome.OTHER,
        _rx(
            r"^other$|\bclarification\b|\btransferr\w*\b|\bredirect\w*\b|\bnot (?:an )?foi\b|\bbusiness as usual\b"
            r"|\b(?:another|other|different|wrong) (?:public )?(?:authority|body|organisation|force)\b"
        ),
    ),
]


def _platform_state(value: str) -> tuple[Outcome, str | None] | None:
    """The crosswalk entry for a value written as the platform writes its states (``not_held``), else None.

    Only the platform's own spelling matches (lower-case, or any case with an underscore), so that a
    person's "Vexatious" in a spreadsheet is read by the text rules, without the platform's caveat.
    """
    key = value.strip()
    return ALAVETELI_STATES.get(key.lower() if "_" in key else key)


#: Answers that, with a confirm-or-deny limb cited beside them, become ``ncnd_partial`` (step 4). Not
#: ``withheld``: "held - exempt" says in words that the information exists, whatever else it cites.
_ANSWERED = frozenset({Outcome.DISCLOSED, Outcome.PARTIALLY_DISCLOSED, Outcome.NOT_HELD})


#: "Not held in a readily retrievable format", "not held centrally": the information may well exist (finding it
#: is a cost question), so these never read as "not held"; they are masked before the rules run.
_NOT_RETRIEVABLE_RX = _rx(
    r"\bnot (?:held|recorded|stored|kept) (?:in (?:a|an|any|one) (?:\w+ ){0,4}(?:format|form|manner|way|place|location"
    r"|system|database)|centrally|electronically)\b"
)


def _classify_one(value: str, cited: frozenset[str] = frozenset()) -> tuple[str, str | None, str | None]:
    """Classify one outcome text, given the codes the row cites elsewhere; see the module docstring."""
    state = _platform_state(value)
    if state is not None:
        outcome, note = state
        if note is None:
            return outcome.value, None, None
        return outcome.value, "platform_state_ambiguous", f"{_quote(value)} was read as '{outcome.value}', but {note}."
    folded = _NOT_RETRIEVABLE_RX.sub("not retrievable", fold_text(value))
    codes = frozenset(exemption_codes(value)) | cited
    for rule in OUTCOME_RULES:
        if rule.matches(folded, codes):
            limbs = ", ".join(sorted(codes & NCND_LIMBS))
            if rule.outcome in _ANSWERED and limbs:
                return (
                    Outcome.NCND_PARTIAL.value,
                    "ncnd_partial_inferred_from_exemption",
                    (
                        f"{_quote(value)} answers, yet the row also cites {limbs}, a limb used only to neither confirm nor "
                        f"deny; it was read as a partial NCND (the usual police split: overt use answered, covert use "
                        f"neither confirmed nor denied) rather than as '{rule.outcome.value}'."
                    ),
                )
            if rule.issue is None:
                return rule.outcome.value, None, None
            message = (rule.message or "").format(value=_quote(value), codes=limbs)
            return rule.outcome.value, rule.issue, message
    return (
        Outcome.OTHER.value,
        "unrecognised_outcome",
        f"Outcome {_quote(value)} is not a wording this tool knows (such as 'NCND', 'not held', 'disclosed', "
        "'held - exempt', 'refused - cost limit'), so its stance is unknown; it is counted as 'other' and its text "
        "is kept. Give the authority's answer in those words, or read the letter.",
    )


def classify_outcomes(values: pl.Series) -> pl.DataFrame:
    """Classify distinct free-text outcomes into :class:`~mosaic.schema.vocab.Outcome` values.

    Case-insensitive and punctuation-tolerant; see the module docstring for the precedence and
    :data:`ALAVETELI_STATES` for the platform crosswalk. Never raises on bad data. Only the text is
    read: use :func:`classify_outcome_rows` when the row cites exemptions in another column.

    Args:
        values: Outcome cells (nulls and duplicates allowed; nulls are left out of the result).

    Returns:
        One row per distinct non-null value: ``value`` (String), ``outcome`` (String, Outcome values),
        ``issue``, ``severity``, ``message``.

    Example:
        >>> classify_outcomes(pl.Series(["N.C.N.D.", "Not held (overt); NCND (covert)"])).get_column("outcome").to_list()
        ['ncnd', 'ncnd_partial']
    """
    return build_result(distinct_strings(values), _classify_one, {"outcome": pl.String}, ISSUE_SEVERITY)


def classify_outcome_rows(texts: pl.Series, codes: pl.Series) -> pl.DataFrame:
    """Classify outcome texts together with the exemption codes their rows cite (see step 4 above).

    Why both: a spreadsheet often says only "Partial" or "Refused" in its outcome column and the sections
    in another; "Partial" with ``s24(2)`` is a partial NCND, not a confirmation.

    Args:
        texts: Outcome cells, one per row of a small frame of distinct rows (nulls give null outcomes).
        codes: The normalised codes each row cites (List(String), from the exemptions column and the text).

    Returns:
        One row per input row, in order: ``outcome``, ``issue``, ``severity``, ``message``.

    Example:
        >>> classify_outcome_rows(pl.Series(["Partial"]), pl.Series([["s24(2)", "s31(3)"]])).item(0, "outcome")
        'ncnd_partial'
    """
    results = [
        (None, None, None) if text is None else _classify_one(text, frozenset(cited or ()))
        for text, cited in zip(texts.cast(pl.String).to_list(), codes.to_list(), strict=True)
    ]
    frame = pl.DataFrame(results, schema={"outcome": pl.String, "issue": pl.String, "message": pl.String}, orient="row")
    severity = pl.col("issue").replace_strict(
        {k: v.value for k, v in ISSUE_SEVERITY.items()}, default=None, return_dtype=pl.String
    )
    return frame.select("outcome", "issue", severity.alias("severity"), "message")


def stance_expr(outcome_col: str = "outcome") -> pl.Expr:
    """An expression mapping an outcome column to its stance, named ``stance``.

    Uses :data:`mosaic.schema.vocab.STANCE_BY_OUTCOME` with ``replace_strict``, so a value outside the
    Outcome vocabulary is an error (the outcome column is validated upstream) and null stays null.

    Example:
        >>> pl.DataFrame({"outcome": ["withheld", "ncnd_partial"]}).select(stance_expr()).to_series().to_list()
        ['confirm', 'ncnd']
    """
    mapping = {outcome.value: stance.value for outcome, stance in STANCE_BY_OUTCOME.items()}
    return pl.col(outcome_col).replace_strict(mapping, return_dtype=pl.String).alias("stance")
