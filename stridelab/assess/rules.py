"""The assessment rules: for each ``summary.json`` metric, its bands and the words shown.

The numbers (band edges) are not here: each rule names rows of
``stridelab/data/thresholds.csv`` (keys ``assess.*``), where every edge carries its source and
evidence grade. A rule holds what cannot be a number: which edges bound which band, the
band's severity, the plain-language explanation, the muscles and balance qualities to train
(keys of :data:`stridelab.assess.model.TARGETS`) and the injuries the band is *associated
with* (science.md §3; never "causes": Willwacher 2022, Sports Med 52:1863).

Band semantics: edges ascend; band ``i`` holds ``edge[i-1] <= value < edge[i]``, so a value
exactly on an edge belongs to the band above it.

Explanation templates are ``str.format`` strings. Fields every metric finding can use:
``{value}`` (formatted with its unit), ``{abs}`` (absolute value, formatted), ``{lo}`` and
``{hi}`` (the band's edges, formatted), ``{lo_n}`` (the lower edge without unit, for
ranges such as ``{lo_n}-{hi}``), ``{pct}`` (value x 100, for ratios), ``{side}``
(``"left"``, ``"right"``; ``"stance"`` for a mean), ``{leg}`` (``"your left leg"``; ``"one
leg"``), ``{leg_cap}`` (``"Your left leg"``; ``"Each leg"``), ``{leg_low}`` (``"your left"``;
``"each"``), ``{sides}`` (``" (left 244 ms, right 243 ms)"`` for metrics not assessed per
side, else empty), ``{extra}`` (the companion measure: overstriding's distance in cm, the
trunk lean at mid-stance), ``{where}`` (trunk lean: over the stride), ``{signed}`` (the
value's size worded by its sign, from the rule's ``directions``: ``"1.5 deg backward"``),
``{reference}`` (foot angle: ``" relative to standing"`` or ``" against the floor"``).
Asymmetry findings use ``{lr}``, ``{robinson}``, ``{vendor}``, ``{longer}``, ``{lo}``,
``{hi}``; the foot-strike finding ``{pattern}``, ``{share}``, ``{by_side}``,
``{pattern_note}`` and ``{method}``.

Titles are the glossary's names (:mod:`stridelab.summary.glossary`): a rule's title is the
name of its metric, a left/right comparison's "Left/right difference in" that name. A text
never claims what its value contradicts: every band's words hold for every value the band
can hold (``tests/assess/test_assess_claims.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from stridelab.summary.glossary import asymmetry_title, name
from stridelab.thresholds import Threshold

# Injury names (science.md §3), used as they are shown to people.
PFP = "patellofemoral pain"
ITBS = "iliotibial band syndrome"
MTSS = "medial tibial stress syndrome (shin splints)"
ACHILLES = "Achilles tendinopathy"
TSF = "tibial stress fracture"
BRAMAH = (PFP, ITBS, MTSS, ACHILLES)
"""Bramah 2018 (Am J Sports Med 46:3023): the four injuries of its injured group."""

METRIC = "metric"
ASYMMETRY = "asymmetry"
FOOT_STRIKE = "foot_strike"


@dataclass(frozen=True)
class Band:
    """One band of a rule.

    Attributes
    ----------
    name
        Short band name shown to people (``"typical"``, ``"long"``).
    severity
        One of :data:`stridelab.assess.model.SEVERITIES`.
    text
        Explanation template (see the module docstring for the fields).
    source_key
        The ``thresholds.csv`` row whose source and evidence grade the finding cites.
    targets
        Keys of :data:`stridelab.assess.model.TARGETS` to train; empty for nothing to do.
    injuries
        Injuries the band is associated with (science.md §3).
    """

    name: str
    severity: str
    text: str
    source_key: str
    targets: tuple[str, ...] = ()
    injuries: tuple[str, ...] = ()


OtherView = Callable[[float, Mapping[str, Threshold]], str]
"""``(value, thresholds) -> text``: the article's claim beside the evidence."""


@dataclass(frozen=True)
class Rule:
    """How one metric becomes findings.

    Attributes
    ----------
    key
        Finding key (stable identifier).
    metric
        ``summary.json`` metric key (for asymmetry: the metric whose sides are compared).
    title
        Heading for people; default: the glossary's name of the metric (for a left/right
        comparison, "Left/right difference in" that name).
    edges
        ``thresholds.csv`` keys of the band edges, ascending by value.
    bands
        ``len(edges) + 1`` bands, lowest first.
    kind
        ``"metric"`` (value from ``metrics``), ``"asymmetry"`` (symmetry index, compared as
        an absolute value) or ``"foot_strike"`` (the ``foot_strike`` block).
    per_side
        One finding per side (``L``/``R``) where the summary has side values.
    running_only
        Skip for walking (the bands describe running).
    tolerance_key
        ``thresholds.csv`` key of the 2D measurement tolerance (video and keypoints): a
        value closer than this to an edge may belong to the neighbouring band, and its
        confidence is lowered (see :mod:`stridelab.assess.engine`).
    other_view
        Where the domain article and the evidence disagree: the article's claim and the
        evidence, as text for this value.
    extra_keys
        Further ``thresholds.csv`` rows the finding uses (listed in ``threshold_keys``).
    directions
        Templates for a negative and a positive value (``"{abs} backward"``, ``"{abs}
        forward"``), the texts' ``{signed}``: a signed measure is never worded against its
        sign.
    """

    key: str
    metric: str
    edges: tuple[str, ...]
    bands: tuple[Band, ...]
    title: str = ""
    kind: str = METRIC
    per_side: bool = False
    running_only: bool = True
    tolerance_key: str | None = None
    other_view: OtherView | None = None
    extra_keys: tuple[str, ...] = ()
    directions: tuple[str, str] | None = None

    def __post_init__(self) -> None:  # a rule table error is a bug: fail at import
        if not self.title:
            title = asymmetry_title(self.metric) if self.kind == ASYMMETRY else name(self.metric)
            object.__setattr__(self, "title", title)
        if len(self.bands) != len(self.edges) + 1:
            raise ValueError(f"rule {self.key}: {len(self.edges)} edges need "
                             f"{len(self.edges) + 1} bands, got {len(self.bands)}")


def _cadence_other_view(value: float, t: Mapping[str, Threshold]) -> str:
    convention = t["assess.cadence.convention_spm"].value
    diff = value - convention
    where = "at" if abs(diff) < 1 else (f"{abs(diff):.0f} below" if diff < 0
                                         else f"{diff:.0f} above")
    return (f"Coaching convention: {convention:.0f} steps/min is often given as the ideal "
            f"step rate; you are {where} it. The evidence does not support one ideal number: "
            "uninjured runners average 171 +/- 8 steps/min, the metabolically best rate at "
            "3 m/s was about 170 (84.8 +/- 3.6 strides/min, Lieberman 2015), and step rate "
            "rises with speed and falls with leg length. Compare with your own rate at the "
            "same pace rather than with 180.")


def _pronation_other_view(value: float, t: Mapping[str, Threshold]) -> str:
    return ("The domain article names overpronation (excessive inward rolling of the foot) "
            "as an imbalance that strains the ankles, knees and hips and can lead to plantar "
            "fasciitis or runner's knee. The evidence is weaker: rearfoot eversion is "
            "associated with tibial stress fracture (Pohl 2008, J Biomech 41:1160, "
            "retrospective) and shin splints (Willwacher 2022, Sports Med 52:1863, limited), "
            "but in a prospective study of 927 novice runners in neutral shoes, pronated feet "
            "had no more injuries than neutral ones (Nielsen 2014, Br J Sports Med 48:440).")


def _lean_other_view(value: float, t: Mapping[str, Threshold]) -> str:
    lo = t["assess.trunk_lean.article_low_deg"].value
    hi = t["assess.trunk_lean.article_high_deg"].value
    where = ("inside" if lo <= value <= hi else "below" if value < lo else "above")
    return (f"The domain article calls a forward lean of about {lo:.0f}-{hi:.0f} deg optimal "
            f"(citing Carson 2024); your lean is {where} that band. The evidence does not "
            "support the band as stated: in Carson, Aslan & Ortega 2024 (PLoS ONE "
            "19:e0302249) leaning further forward (up to 8 +/- 2 deg) raised the energy cost "
            "of running by about 8 %, and Teng & Powers 2015 (MSSE 47:625) found that more "
            "lean shifts load from the knee to the hip.")


# --- band texts --------------------------------------------------------------------------

_LEAN_BACK = (
    "Your trunk leans {abs} backward{where}{extra}, further back than the {hi} line. Most "
    "runners lean slightly forward (the low-lean group of Teng & Powers 2015 averaged 3.6 "
    "+/- 2.8 deg); leaning back is unusual and worth a look on video. Trunk and hip strength "
    "make an upright-to-slightly-forward posture easier to hold.")
_LEAN_OK = (
    "Your trunk leans {signed}{where}{extra}, within the range of most runners ({lo} to "
    "{hi} forward; 3.6 +/- 2.8 deg in the low-lean group of Teng & Powers 2015). Nothing to "
    "change here.")
_LEAN_FORWARD = (
    "Your trunk leans {value} forward{where}{extra}, {lo} or more. More lean moves work from "
    "the knees to the hips "
    "and back (Teng & Powers 2015), and leaning further forward raised the energy cost of "
    "running by about 8 % (Carson 2024). Injured runners leaned further forward at "
    "mid-stance than uninjured ones (Bramah 2018, a comparison after injury, not a "
    "prediction). Strong hip extensors and trunk muscles make a more upright posture easier.")

_PELVIC_TEXT = (
    "While you stand on {leg}, the other side of your pelvis drops {value}. {verdict} "
    "Runners with knee pain, IT band syndrome, shin splints or Achilles pain showed more "
    "pelvic drop than uninjured runners: the odds of being in the injured group were about "
    "1.8 times higher per extra degree (Bramah 2018, a comparison after injury). The "
    "gluteus medius of the {side} leg holds the pelvis level: hip-abduction strength work "
    "and single-leg balance train it. The {lo} line is expert opinion, not a validated "
    "cut-off.")

_ASYM_OK = (
    "{what} on the two sides{lr}: a symmetry index of {robinson} (Robinson; {vendor} in the "
    "(R - L) / max(R, L) form many watches use), inside the +/-{hi} often used as a "
    "reference line (a convention, not a validated limit).")
_ASYM_HIGH = (
    "{what} differs between sides{lr}: the {longer} side is longer, a symmetry index of "
    "{robinson} (Robinson; {vendor} in the (R - L) / max(R, L) form many watches use). "
    "Differences above {lo} are often flagged, but that line has no prospective "
    "validation: no study has shown that it predicts injury. A new difference can follow "
    "pain or an old injury; single-leg strength and balance work on the weaker side is a "
    "sensible response.")

_TRUNK_LEAN = Rule(
    key="trunk_lean", metric="trunk_lean_deg",
    edges=("assess.trunk_lean.backward_deg", "assess.trunk_lean.forward_deg"),
    extra_keys=("assess.trunk_lean.article_low_deg", "assess.trunk_lean.article_high_deg"),
    tolerance_key="assess.angle.error_2d_deg",
    other_view=_lean_other_view, directions=("{abs} backward", "{abs} forward"),
    bands=(
        Band("backward", "watch", _LEAN_BACK, "assess.trunk_lean.backward_deg",
             ("core", "arms_trunk")),
        Band("typical", "ok", _LEAN_OK, "assess.trunk_lean.forward_deg"),
        Band("forward", "watch", _LEAN_FORWARD, "assess.trunk_lean.forward_deg",
             ("core", "glute_max", "hamstrings"), BRAMAH),
    ),
)
"""Trunk lean over the stride: one finding, with the lean at mid-stance read beside it."""

RULES: tuple[Rule, ...] = (
    Rule(
        key="cadence", metric="cadence_spm",
        edges=("assess.cadence.low_spm", "assess.cadence.high_spm"),
        extra_keys=("assess.cadence.convention_spm",),
        other_view=_cadence_other_view,
        bands=(
            Band("low", "watch",
                 "You take {value}{sides}, fewer steps per minute than most uninjured runners "
                 "(171 +/- 8 on average; below {hi} is unusual). Taking 5-10 % more, shorter "
                 "steps at the same speed lowers the load on the knee, the braking at each "
                 "landing and the bounce (Heiderscheit 2011). Step rate rises with speed, so "
                 "compare runs at a similar pace.",
                 "assess.cadence.low_spm", ("calf_achilles", "glute_max", "hamstrings")),
            Band("typical", "ok",
                 "You take {value}{sides}, within the range of uninjured runners ({lo_n}-{hi}: "
                 "171 +/- 8 steps/min, two standard deviations either side).",
                 "assess.cadence.low_spm"),
            Band("high", "ok",
                 "You take {value}{sides}, more than most runners at an easy pace ({lo} or "
                 "more). Quick, "
                 "short steps are common at faster speeds and are not a problem in "
                 "themselves.", "assess.cadence.high_spm"),
        ),
    ),
    Rule(
        key="contact_time", metric="contact_time_ms",
        edges=("assess.contact_time.short_ms", "assess.contact_time.long_ms"),
        bands=(
            Band("short", "ok",
                 "Each foot is on the ground for {value} per step{sides}: short contacts "
                 "(below {hi}), typical of faster running.", "assess.contact_time.short_ms"),
            Band("typical", "ok",
                 "Each foot is on the ground for {value} per step{sides}, within the {lo_n}-{hi} "
                 "usual at endurance pace. Contact time falls as you run faster.",
                 "assess.contact_time.short_ms"),
            Band("long", "watch",
                 "Each foot stays on the ground for {value} per step{sides}, longer than the "
                 "200-300 ms usual at endurance pace (slow running lengthens it, so compare "
                 "at a similar pace). Long contact times are associated with shin splints "
                 "(medial tibial stress syndrome) in pooled studies, with limited evidence "
                 "(Willwacher 2022). Calf and hip strength and hopping drills train a "
                 "quicker, springier contact.",
                 "assess.contact_time.long_ms", ("calf_achilles", "glute_max", "quadriceps"),
                 (MTSS,)),
        ),
    ),
    Rule(
        key="duty_factor", metric="duty_factor",
        edges=("assess.duty_factor.low", "assess.duty_factor.high",
               "assess.duty_factor.no_flight"),
        bands=(
            Band("low", "ok",
                 "Each foot is on the ground for {pct} of the stride{sides} (duty factor "
                 "{value}, below {hi}): an airborne, bouncy style, typical of fast running.",
                 "assess.duty_factor.low"),
            Band("typical", "ok",
                 "Each foot is on the ground for {pct} of the stride{sides} (duty factor "
                 "{value}), within the {lo_n}-{hi} usual in endurance running.",
                 "assess.duty_factor.low"),
            Band("high", "watch",
                 "Each foot is on the ground for {pct} of the stride{sides} (duty factor "
                 "{value}): more time on the ground and less in the air than usual for "
                 "running (between {lo} and {hi}). It is common at a slow pace; calf and hip "
                 "strength and hopping drills train a springier push-off.",
                 "assess.duty_factor.high", ("calf_achilles", "glute_max")),
            Band("no flight", "watch",
                 "Each foot is on the ground for {pct} of the stride{sides} (duty factor "
                 "{value}): at {lo} or more there is no flight phase, so this is walking or "
                 "a shuffle rather than running. Check that the recording shows running.",
                 "assess.duty_factor.no_flight"),
        ),
    ),
    Rule(
        key="flight_time", metric="flight_time_ms",
        edges=("assess.flight_time.short_ms", "assess.flight_time.long_ms"),
        bands=(
            Band("short", "watch",
                 "Both feet are off the ground for only {value} per step{sides}, below {hi}: "
                 "close to a shuffle (about 100 ms is typical in endurance running). More "
                 "push-off from the calves and hips lengthens the airborne phase.",
                 "assess.flight_time.short_ms", ("calf_achilles", "glute_max")),
            Band("typical", "ok",
                 "Both feet are off the ground for {value} per step{sides}, within the "
                 "{lo_n}-{hi} typical of endurance running (about 100 ms).",
                 "assess.flight_time.short_ms"),
            Band("long", "ok",
                 "Both feet are off the ground for {value} per step{sides} ({lo} or more): a "
                 "long, bounding flight, common at fast speeds; at an easy pace it means "
                 "extra up-and-down work.", "assess.flight_time.long_ms"),
        ),
    ),
    _TRUNK_LEAN,
    Rule(
        key="overstriding", metric="overstride_ratio",
        edges=("assess.overstride.ratio_high",), per_side=True,
        directions=("{abs} leg lengths behind", "{abs} leg lengths ahead of"),
        bands=(
            Band("typical", "ok",
                 "When {leg} lands, the heel is {signed} the hip{extra}: the foot lands "
                 "reasonably close under the body (below {hi} leg lengths ahead).",
                 "assess.overstride.ratio_high"),
            Band("overstriding", "watch",
                 "When {leg} lands, the heel is {value} leg lengths{extra} ahead of the hip, "
                 "{lo} or more (overstriding). Landing far in front of the hip goes with "
                 "larger braking forces (Lieberman 2015) and usually with a straighter knee "
                 "and a more upturned foot, which injured runners showed more often (Bramah "
                 "2018). "
                 "A 5-10 % higher step rate brings the foot closer under the body "
                 "(Heiderscheit 2011). The {lo} line is a stridelab default: no study has "
                 "set a cut-off.",
                 "assess.overstride.ratio_high", ("hamstrings", "glute_max"), BRAMAH),
        ),
    ),
    Rule(
        key="shank_angle_ic", metric="shank_angle_ic_deg",
        edges=("assess.shank_angle.backward_deg", "assess.shank_angle.forward_deg"),
        per_side=True, tolerance_key="assess.angle.error_2d_deg",
        directions=("{abs} with the knee ahead of the ankle",
                    "{abs} with the ankle ahead of the knee"),
        bands=(
            Band("knee ahead of ankle", "ok",
                 "When {leg} lands, the shin is tilted {abs} with the knee ahead of the "
                 "ankle, beyond the {hi} line: the foot lands under or behind the knee, the "
                 "opposite of overstriding. It is unusual at landing and goes with a "
                 "forefoot landing; it is not linked to injury. A large tilt can also mean "
                 "the landing was found late.",
                 "assess.shank_angle.backward_deg"),
            Band("typical", "ok",
                 "When {leg} lands, the shin is tilted {signed}: close to vertical (between "
                 "{lo} and {hi}), the foot lands under the knee.",
                 "assess.shank_angle.forward_deg"),
            Band("ankle ahead of knee", "watch",
                 "When {leg} lands, the shin is tilted {value} with the ankle ahead of the "
                 "knee, beyond the {lo} line: a sign of overstriding, which goes with more "
                 "braking (Souza 2016, expert opinion). Landing with the shin closer to "
                 "vertical, helped by a slightly higher step rate, reduces it. The {lo} line "
                 "is a stridelab default: no study has set a cut-off.",
                 "assess.shank_angle.forward_deg", ("hamstrings", "glute_max"), BRAMAH),
        ),
    ),
    Rule(
        key="foot_inclination_ic", metric="foot_inclination_ic_deg",
        edges=("assess.foot_inclination.forefoot_deg", "assess.foot_inclination.rearfoot_deg"),
        per_side=True, tolerance_key="assess.angle.error_2d_deg",
        directions=("{abs} toes-down", "{abs} toes-up"),
        bands=(
            Band("forefoot landing", "ok",
                 "When {leg} lands, the sole points {abs} toes-down{reference}: a forefoot "
                 "landing angle (below {hi}). No "
                 "landing pattern has been shown to prevent injuries (Souza 2016); a "
                 "forefoot landing asks more of the calves and Achilles tendon.",
                 "assess.foot_inclination.forefoot_deg"),
            Band("midfoot landing", "ok",
                 "When {leg} lands, the sole is nearly flat ({signed}{reference}, between "
                 "{lo} and {hi}): a midfoot landing angle. No landing pattern has been shown "
                 "to prevent injuries (Souza 2016).",
                 "assess.foot_inclination.forefoot_deg"),
            Band("heel landing", "ok",
                 "When {leg} lands, the sole points {value} toes-up{reference}: a heel "
                 "landing angle ({lo} or more), like most distance runners. There is no "
                 "cut-off: the steeper the angle, the more braking and knee load on average "
                 "(a sliding scale, Souza 2016 after Wille 2014), and a steep angle together "
                 "with a straight knee and the foot far ahead of the hip is what "
                 "overstriding looks like.",
                 "assess.foot_inclination.rearfoot_deg"),
        ),
    ),
    Rule(
        key="foot_strike", metric="foot_strike", kind=FOOT_STRIKE,
        edges=("assess.foot_strike.consistent_share",),
        bands=(
            Band("mixed", "ok",
                 "You land in more than one way{method}: {share}{by_side}; no pattern "
                 "reaches {hi} of steps. No pattern has been shown to prevent injuries (Souza "
                 "2016).",
                 "assess.foot_strike.consistent_share"),
            Band("consistent", "ok",
                 "You land {pattern} on {share} of steps{method}{by_side}. {pattern_note} No "
                 "foot-strike pattern has been shown to prevent injuries (Souza 2016).",
                 "assess.foot_strike.consistent_share"),
        ),
    ),
    Rule(
        key="knee_flexion_ic", metric="knee_flexion_ic_deg",
        edges=("assess.knee_flexion_ic.straight_deg", "assess.knee_flexion_ic.bent_deg"),
        per_side=True,
        tolerance_key="assess.knee_flexion.repeatability_2d_deg",
        bands=(
            Band("straight knee", "watch",
                 "{leg_cap} lands with the knee bent only {value}, below the {hi} line (about "
                 "21 deg is typical). Landing on a straighter knee was more common in "
                 "injured runners (Bramah 2018, a comparison after injury) and usually goes "
                 "with overstriding. "
                 "Quadriceps and hip strength help you land on a softly bent knee.",
                 "assess.knee_flexion_ic.straight_deg", ("quadriceps", "glute_max"), BRAMAH),
            Band("typical", "ok",
                 "{leg_cap} lands with the knee bent {value}, close to the about 21 deg "
                 "typical (between {lo} and {hi}).",
                 "assess.knee_flexion_ic.straight_deg"),
            Band("bent knee", "ok",
                 "{leg_cap} lands with the knee bent {value}, more than the about 21 deg "
                 "typical ({lo} or more). Landing on a well-bent knee is not linked to "
                 "injury; a value this far above typical can also mean that the landing was "
                 "found late, after the knee had begun to bend, or that the knee points are "
                 "doubtful.",
                 "assess.knee_flexion_ic.bent_deg"),
        ),
    ),
    Rule(
        key="knee_flexion_peak_stance", metric="knee_flexion_peak_stance_deg",
        edges=("assess.knee_flexion_peak.low_deg", "assess.knee_flexion_peak.high_deg"),
        per_side=True, tolerance_key="assess.knee_flexion.repeatability_2d_deg",
        bands=(
            Band("stiff knee", "watch",
                 "On {leg} the knee bends at most {value} while the foot is on the ground, "
                 "below the typical range, which starts at {hi}: a stiff knee absorbs less "
                 "of the landing. Quadriceps strength through a full range helps the knee take its "
                 "share.", "assess.knee_flexion_peak.low_deg", ("quadriceps",)),
            Band("typical", "ok",
                 "On {leg} the knee bends at most {value} while the foot is on the ground, "
                 "within the {lo_n}-{hi} typical.", "assess.knee_flexion_peak.low_deg"),
            Band("deep knee bend", "watch",
                 "On {leg} the knee bends {value} while the foot is on the ground, beyond the "
                 "typical range, which ends at {lo}: a deep, sitting knee bend asks more of "
                 "the quadriceps. A 5-10 % higher step rate reduces peak knee bend and the "
                 "energy the knee absorbs (Heiderscheit 2011).",
                 "assess.knee_flexion_peak.high_deg", ("quadriceps", "glute_max")),
        ),
    ),
    Rule(
        key="vertical_oscillation", metric="vertical_oscillation_cm",
        edges=("assess.vertical_oscillation.high_cm",),
        bands=(
            Band("typical", "ok",
                 "Your body rises and falls {value} per step{sides}, below {hi}.",
                 "assess.vertical_oscillation.high_cm"),
            Band("high", "watch",
                 "Your body rises and falls {value} per step{sides}, {lo} or more: more "
                 "bounce means more "
                 "work spent lifting the body. A 5-10 % higher step rate reduces it "
                 "(Heiderscheit 2011). The {lo} line is a stridelab default, not a published "
                 "cut-off.",
                 "assess.vertical_oscillation.high_cm", ("calf_achilles", "core")),
        ),
    ),
    Rule(
        key="pelvic_drop", metric="pelvic_drop_deg",
        directions=("rises {abs}", "drops {abs}"),
        edges=("assess.pelvic_drop.watch_deg", "assess.pelvic_drop.concern_deg"),
        per_side=True, tolerance_key="assess.pelvic_drop.sdd_deg",
        bands=(
            Band("level", "ok",
                 "While you stand on {leg}, the other side of your pelvis {signed}: within "
                 "the usual range (a drop below {hi}).", "assess.pelvic_drop.watch_deg"),
            Band("some drop", "watch",
                 _PELVIC_TEXT.replace("{verdict}",
                                      "That is more than usual (between {lo} and {hi})."),
                 "assess.pelvic_drop.watch_deg",
                 ("glute_med", "core", "single_leg_stability"), BRAMAH),
            Band("marked drop", "concern",
                 _PELVIC_TEXT.replace("{verdict}",
                                      "That is clearly more than usual ({lo} or more)."),
                 "assess.pelvic_drop.concern_deg",
                 ("glute_med", "core", "single_leg_stability"), BRAMAH),
        ),
    ),
    Rule(
        key="step_width", metric="step_width_cm",
        edges=("assess.step_width.crossover_cm", "assess.step_width.narrow_cm"),
        bands=(
            Band("cross-over", "watch",
                 "Your feet land {abs} across the midline of your body, below {hi} (cross-over or "
                 "'scissoring' gait). Crossing over is linked to tibial stress fractures and "
                 "IT band syndrome by expert opinion and mechanistic studies, not by "
                 "prospective evidence. Hip-abductor strength and single-leg balance help "
                 "keep a narrow but not crossing base.",
                 "assess.step_width.crossover_cm", ("glute_med", "single_leg_stability"),
                 (TSF, ITBS)),
            Band("narrow", "watch",
                 "Your feet land only {value} apart side to side (between {lo} and {hi}): "
                 "close to the midline. A "
                 "very narrow base is linked to tibial stress fractures and IT band syndrome "
                 "by expert opinion only. The {hi} line is a stridelab default.",
                 "assess.step_width.narrow_cm", ("glute_med", "single_leg_stability"),
                 (TSF, ITBS)),
            Band("typical", "ok",
                 "Your feet land {value} apart side to side ({lo} or more): they do not cross "
                 "the midline.",
                 "assess.step_width.narrow_cm"),
        ),
    ),
    Rule(
        key="crossover", metric="crossover_pct",
        edges=("assess.crossover.some_pct", "assess.crossover.most_pct"),
        bands=(
            Band("rare", "ok",
                 "{value} of your steps land on or across the midline of your body, below "
                 "{hi}: rare.",
                 "assess.crossover.some_pct"),
            Band("frequent", "watch",
                 "{value} of your steps land on or across the midline of your body (between "
                 "{lo} and {hi}: cross-over gait). Crossing over is linked to tibial stress "
                 "fractures and IT band syndrome by expert opinion and mechanistic studies. "
                 "Hip-abductor strength and single-leg balance help. The {lo} line is a "
                 "stridelab default.",
                 "assess.crossover.some_pct", ("glute_med", "single_leg_stability"),
                 (TSF, ITBS)),
            Band("most steps", "watch",
                 "{value} of your steps land on or across the midline of your body, {lo} or "
                 "more: cross-over is your usual pattern. It is linked to tibial stress fractures "
                 "and IT band syndrome by expert opinion and mechanistic studies. "
                 "Hip-abductor strength and single-leg balance help.",
                 "assess.crossover.most_pct", ("glute_med", "single_leg_stability"),
                 (TSF, ITBS)),
        ),
    ),
    Rule(
        key="knee_frontal_angle", metric="knee_frontal_angle_deg",
        edges=("assess.knee_frontal.inward_deg",), per_side=True,
        tolerance_key="assess.angle.error_2d_deg", directions=("{abs} outwards", "{abs} inwards"),
        bands=(
            Band("typical", "ok",
                 "Seen from behind, {leg_low} knee moves {signed} while the foot is on the "
                 "ground: within the usual range (below {hi} inwards).",
                 "assess.knee_frontal.inward_deg"),
            Band("knee inwards", "watch",
                 "Seen from behind, {leg_low} knee moves {value} inwards while the foot is on "
                 "the ground ({lo} or more). This angle mixes hip adduction and knee "
                 "rotation, which are associated with IT band syndrome (limited evidence) "
                 "and tibial stress fracture (Pohl 2008, limited to moderate). Hip-abductor "
                 "and gluteal strength and single-leg control help. The {lo} line is expert "
                 "opinion.",
                 "assess.knee_frontal.inward_deg",
                 ("glute_med", "glute_max", "single_leg_stability"), (ITBS, TSF)),
        ),
    ),
    Rule(
        key="eversion_excursion", metric="eversion_excursion_deg",
        edges=("assess.eversion.excursion_watch_deg",), per_side=True,
        other_view=_pronation_other_view,
        bands=(
            Band("typical", "ok",
                 "From landing to its most rolled-in point, {leg_low} shoe rolls inwards "
                 "{value}, below {hi}. This is a proxy from a shoe-worn gyroscope, not the "
                 "heel bone's own movement, and the {hi} line is a vendor convention, not a "
                 "validated cut-off.",
                 "assess.eversion.excursion_watch_deg"),
            Band("more than usual", "watch",
                 "From landing to its most rolled-in point, {leg_low} shoe rolls inwards "
                 "{value} ({lo} or more: what devices call overpronation). This is a proxy "
                 "from a shoe-worn gyroscope, not the heel bone's own movement. More rearfoot "
                 "eversion is associated with tibial stress fracture (Pohl 2008, "
                 "retrospective) and shin splints (Willwacher 2022, limited evidence); foot "
                 "pronation was not associated with more injuries in novice runners (Nielsen "
                 "2014). The {lo} line is a vendor convention: the evidence for any cut-off is "
                 "weak. Calf and foot strength and single-leg balance are reasonable to train; "
                 "do not change your shoes on this number alone.",
                 "assess.eversion.excursion_watch_deg",
                 ("calf_achilles", "single_leg_stability"), (TSF, MTSS)),
        ),
    ),
    Rule(
        key="asymmetry_contact_time", metric="contact_time_ms",
        kind=ASYMMETRY, running_only=False,
        edges=("assess.asymmetry.flag_pct",),
        bands=(
            Band("symmetric", "ok", _ASYM_OK.replace("{what}", "Ground contact time"),
                 "assess.asymmetry.flag_pct"),
            Band("asymmetric", "watch", _ASYM_HIGH.replace("{what}", "Ground contact time"),
                 "assess.asymmetry.flag_pct",
                 ("single_leg_stability", "glute_max", "calf_achilles")),
        ),
    ),
    Rule(
        key="asymmetry_step_time", metric="step_time_ms",
        kind=ASYMMETRY, running_only=False,
        edges=("assess.asymmetry.flag_pct",),
        bands=(
            Band("symmetric", "ok", _ASYM_OK.replace("{what}", "Step time"),
                 "assess.asymmetry.flag_pct"),
            Band("asymmetric", "watch", _ASYM_HIGH.replace("{what}", "Step time"),
                 "assess.asymmetry.flag_pct", ("single_leg_stability", "glute_max")),
        ),
    ),
    Rule(
        key="asymmetry_flight_time", metric="flight_time_ms",
        kind=ASYMMETRY,
        edges=("assess.asymmetry.flag_pct",),
        bands=(
            Band("symmetric", "ok", _ASYM_OK.replace("{what}", "Flight time"),
                 "assess.asymmetry.flag_pct"),
            Band("asymmetric", "watch",
                 _ASYM_HIGH.replace("{what}", "Flight time") + " Flight time is short "
                 "(about 100 ms), so a few milliseconds of timing error already make a large "
                 "percentage.",
                 "assess.asymmetry.flag_pct", ("calf_achilles", "glute_max")),
        ),
    ),
)
"""Every rule the engine applies, in the order findings are listed."""
