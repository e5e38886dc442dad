"""Marker clusters held to their rigid shape and to their neighbouring segments.

A segment's markers (a cluster: four markers on a rigid shell, or three or more markers on a
shoe or on bony landmarks) keep their mutual distances while the segment moves. Two kinds of
tracking fault break that, and both are repaired here, when a recording is read, before any
event or angle is computed:

1. **One marker leaves the cluster's shape** (a ghost, a marker swapped with another, a
   wobble): its distances to the other markers differ from their medians over the trial by
   more than ``io.clusters.rigid_tolerance_mm``. The largest subset of markers whose mutual
   distances all agree is kept; a marker outside it is rebuilt from that subset by the
   least-squares rigid fit of the cluster's reference shape (Söderkvist & Wedin 1993,
   J Biomech 26:1473; the SVD solution of Kabsch 1976, Acta Cryst A32:922) when the subset
   holds at least three markers and a majority of the cluster, else the cluster is removed
   in that sample (rule 2 then refills it).
2. **The whole cluster jumps** while keeping its shape, e.g. the labels of the two shoes'
   clusters exchanged for a few frames, then smoothed by the recording's own low-pass filter
   into a jump of decimetres lasting ~0.1 s. Neighbouring segments share a joint: the joint
   centre fixed in each segment, found over the trial by the symmetrical centre-of-rotation
   estimation (SCoRE, Ehrig et al. 2006, J Biomech 39:2798), must be seen at the same place
   from both. A joint is dislocated over each run of samples outside the fit's inliers that
   reaches ``io.clusters.joint_tolerance_mm`` (hysteresis thresholding, Canny 1986, IEEE
   TPAMI 8:679); the segment whose every joint is dislocated is at fault (an end segment
   such as the foot: its one joint, when the neighbour's other joint holds).

Faulty runs are widened on both sides by ``io.clusters.widen_fraction`` of their length (the
smoothing rings on beyond the samples that cross the tolerance), removed, and refilled from
the neighbouring segment: the markers' coordinates in the neighbour's frame are bridged by a
least-squares cubic across the run, as in local-coordinate-system gap filling (Howarth &
Callaghan 2010, Comput Methods Biomech Biomed Engin 13:847). Runs longer than
``io.clusters.max_fill_s`` stay missing. Refilled samples are listed in
:attr:`Recording.interpolated <stridelab.io.recording.Recording.interpolated>`: they follow
the neighbour, not the segment, so no event is taken from them. Every repair is reported in
the recording's warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import combinations

import numpy as np

from stridelab.io.recording import Recording
from stridelab.signal import true_runs
from stridelab.thresholds import threshold

SEGMENTS = ("thigh", "shank", "foot")
"""Limb segments per side, proximal to distal; the pelvis heads both chains."""

MAX_SUBSET_MARKERS = 8
"""Clusters with more markers are checked pairwise only (2**8 subsets per sample at most)."""


@dataclass
class ClusterReport:
    """What was repaired in one cluster (sample counts)."""

    rebuilt: int = 0
    no_majority: int = 0
    jumped: int = 0
    removed: int = 0
    refilled: int = 0
    neighbours: list[str] = field(default_factory=list)


def segment_clusters(rec: Recording) -> dict[str, list[str]]:
    """Clusters of the recording's marker set: segment name -> marker names (three or more).

    A landmark of three or more recorded markers is a cluster (``pelvis``, ``L_foot`` ...);
    a limb segment without one is the union of its ``_top`` and ``_bottom`` landmarks
    (e.g. ``L_shank_top`` + ``L_shank_bottom``) when those hold three or more markers.
    """
    lm = rec.markerset.landmarks
    out: dict[str, list[str]] = {}
    names = ["pelvis"] + [f"{s}_{seg}" for s in "LR" for seg in SEGMENTS]
    for name in names:
        markers = lm.get(name) or lm.get(f"{name}_top", []) + lm.get(f"{name}_bottom", [])
        markers = list(dict.fromkeys(m for m in markers if m in rec.points))
        if len(markers) >= 3:
            out[name] = markers
    return out


def pairwise_distances(x: np.ndarray) -> np.ndarray:
    """Distances ``(n, p)`` between the markers of ``x`` ``(n, m, 3)``.

    Pairs come in :func:`itertools.combinations` order.
    """
    i, j = np.array(list(combinations(range(x.shape[1]), 2))).T
    return np.linalg.norm(x[:, i] - x[:, j], axis=2)


def reference_shape(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The cluster's rigid shape: median pairwise distances and reference positions.

    Returns
    -------
    tuple of numpy.ndarray
        The medians ``(p,)`` over the samples with every marker present, and the positions
        ``(m, 3)`` of the complete sample closest to them, centred on their centroid (NaN
        when no sample is complete).
    """
    d = pairwise_distances(x)
    complete = np.isfinite(d).all(axis=1)
    if not complete.any():
        return np.full(d.shape[1], np.nan), np.full(x.shape[1:], np.nan)
    median = np.median(d[complete], axis=0)
    worst = np.full(len(d), np.inf)
    worst[complete] = np.abs(d[complete] - median).max(axis=1)
    shape = x[int(np.argmin(worst))]
    return median, shape - shape.mean(axis=0)


def rigid_fit(shape: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares rigid motion of a shape onto each sample (Söderkvist & Wedin 1993).

    The SVD solution (Kabsch 1976) over the markers present in each sample.

    Parameters
    ----------
    shape
        Reference positions ``(m, 3)``.
    x
        Markers ``(n, m, 3)``; NaN where missing.

    Returns
    -------
    tuple of numpy.ndarray
        Rotations ``(n, 3, 3)`` and translations ``(n, 3)`` with ``x ~ R @ shape + t``; NaN
        where fewer than three markers are present.
    """
    w = np.isfinite(x).all(axis=2).astype(float)  # (n, m)
    count = w.sum(axis=1)
    ok = count >= 3
    safe = np.where(ok, count, 1.0)[:, None]
    xs = np.where(w[..., None] > 0, x, 0.0)
    cs = (w @ shape) / safe  # weighted centroid of the shape, (n, 3)
    cx = np.einsum("nm,nmk->nk", w, xs) / safe
    a = shape[None] - cs[:, None]
    b = xs - cx[:, None]
    h = np.einsum("nm,nmi,nmj->nij", w, a, b)
    u, _, vt = np.linalg.svd(h)
    det = np.sign(np.linalg.det(np.einsum("nji,nkj->nik", vt, u)))
    fix = np.ones((len(x), 3))
    fix[:, 2] = np.where(det == 0, 1.0, det)
    rot = np.einsum("nji,nj,nkj->nik", vt, fix, u)  # V diag(1, 1, d) U^T
    trans = cx - np.einsum("nij,nj->ni", rot, cs)
    rot[~ok], trans[~ok] = np.nan, np.nan
    return rot, trans


def consistent_markers(x: np.ndarray, median: np.ndarray, tol: float) -> np.ndarray:
    """Per sample, the largest subset of markers that keeps the rigid shape.

    Parameters
    ----------
    x
        Markers ``(n, m, 3)``; NaN where missing.
    median
        Median pairwise distances ``(p,)``.
    tol
        Largest deviation of a distance from its median, metres.

    Returns
    -------
    numpy.ndarray
        ``(n, m)`` mask of the subset whose mutual distances all lie within ``tol`` of their
        medians (ties: the smallest total deviation); a lone present marker is kept.
    """
    n, m = x.shape[:2]
    dev = np.abs(pairwise_distances(x) - median)
    ok_pair = dev <= tol
    present = np.isfinite(x).all(axis=2)
    best = np.zeros((n, m), bool)
    if m > MAX_SUBSET_MARKERS:  # too many subsets: keep markers none of whose pairs is off
        bad = np.zeros((n, m), bool)
        for p, (i, j) in enumerate(combinations(range(m), 2)):
            off = ~ok_pair[:, p] & np.isfinite(dev[:, p])
            bad[:, i] |= off
            bad[:, j] |= off
        return present & ~bad
    pair_index = {pair: p for p, pair in enumerate(combinations(range(m), 2))}
    best[present.sum(axis=1) < 2] = present[present.sum(axis=1) < 2]
    todo = present.sum(axis=1) >= 2
    for size in range(m, 1, -1):
        score = np.full(n, np.inf)
        for subset in combinations(range(m), size):
            cols = [pair_index[pair] for pair in combinations(subset, 2)]
            fits = todo & present[:, subset].all(axis=1) & ok_pair[:, cols].all(axis=1)
            total = np.where(fits, dev[:, cols].sum(axis=1), np.inf)
            better = total < score
            score[better] = total[better]
            best[better] = False
            best[np.ix_(better, subset)] = True
        todo &= ~np.isfinite(score)
    return best


def reject_outliers(x: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rebuild or remove the markers of ``x`` ``(n, m, 3)`` that leave the rigid shape.

    Parameters
    ----------
    x
        The cluster's markers, metres; NaN where missing.
    tol
        Largest deviation of a pairwise distance from its median, metres.

    Returns
    -------
    tuple
        The repaired markers, the ``(n,)`` mask of samples where the cluster had no
        trustworthy majority (all its markers removed there), and the ``(n,)`` number of
        markers rebuilt by the rigid fit in each sample.
    """
    median, shape = reference_shape(x)
    out = x.copy()
    if not np.isfinite(median).all():
        return out, np.zeros(len(x), bool), np.zeros(len(x), int)
    good = consistent_markers(x, median, tol)
    present = np.isfinite(x).all(axis=2)
    outlier = present & ~good
    n_good, m = good.sum(axis=1), x.shape[1]
    trusted = (n_good >= 3) & (2 * n_good > m)
    lost = outlier.any(axis=1) & ~trusted
    out[lost] = np.nan
    fix = outlier & trusted[:, None]
    rows = np.flatnonzero(fix.any(axis=1))
    if len(rows):
        rot, trans = rigid_fit(shape, np.where(good[rows, :, None], x[rows], np.nan))
        fitted = np.einsum("nij,mj->nmi", rot, shape) + trans[:, None]
        out[rows] = np.where(fix[rows, :, None], fitted, out[rows])
    return out, lost, fix.sum(axis=1)


def joint_dislocation(prox: tuple[np.ndarray, np.ndarray], dist: tuple[np.ndarray, np.ndarray],
                      rounds: int = 4) -> np.ndarray:
    """Distance (m) between a joint centre as seen from two segments, per sample (SCoRE).

    The centre ``c_p`` fixed in the proximal segment and ``c_d`` in the distal one minimise
    ``sum |R_p c_p + t_p - R_d c_d - t_d|^2`` (Ehrig et al. 2006); samples beyond three times
    the median residual are left out of the next fit (trimmed least squares), so a few
    faulty samples do not move the centre.

    Parameters
    ----------
    prox, dist
        Rotations ``(n, 3, 3)`` and translations ``(n, 3)`` of each segment.
    rounds
        Number of fits.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` residual distances; NaN where a pose is unknown.
    """
    a = np.concatenate([prox[0], -dist[0]], axis=2)  # (n, 3, 6)
    b = dist[1] - prox[1]
    finite = np.isfinite(a).all(axis=(1, 2)) & np.isfinite(b).all(axis=1)
    res = np.full(len(b), np.nan)
    use = finite.copy()
    for _ in range(rounds):
        if use.sum() < 10:
            return np.full(len(b), np.nan)
        sol = np.linalg.lstsq(a[use].reshape(-1, 6), b[use].reshape(-1), rcond=None)[0]
        res = np.linalg.norm(np.einsum("nij,j->ni", a, sol) - b, axis=1)
        use = finite & (res <= 3 * np.nanmedian(res[finite]))
    return res


def dislocated(res: np.ndarray, tol: float, fraction: float = 0.0) -> np.ndarray:
    """Samples at which a joint is dislocated, by hysteresis thresholding (Canny 1986).

    Each run of samples outside the SCoRE fit's inliers (beyond three times the median
    residual) that holds a sample beyond ``tol``: the tolerance finds a fault, the inlier
    bound gives its extent. With ``fraction``, each run is widened by that share of its
    length (:func:`widen`), and the runs outside the inliers that the widened run touches
    join it: a smoothed fault rings on beyond a brief dip.
    """
    finite = np.isfinite(res)
    if not finite.any():
        return np.zeros(len(res), bool)
    outside = np.nan_to_num(res, nan=0.0) > min(3 * np.median(res[finite]), tol)
    runs = true_runs(outside)
    out = np.zeros(len(res), bool)
    for start, end in runs:
        if (res[start:end] > tol).any():
            out[start:end] = True
    if fraction and out.any():
        out = widen(out, fraction)
        for start, end in runs:
            if out[start:end].any():
                out[start:end] = True
    return out


def blame(joints: dict[tuple[str, str], np.ndarray], tol: float,
          fraction: float = 0.0) -> dict[str, np.ndarray]:
    """Samples at which each segment is at fault, from its joints' dislocations.

    A joint is dislocated over each run found by :func:`dislocated` (widened by
    ``fraction``). A segment with two or more joints is at fault where all of them are
    dislocated; an end segment (one joint) where its joint is and the neighbour is not at
    fault by its other joints. When both segments of a joint are ends, both are at fault.

    Parameters
    ----------
    joints
        Dislocation ``(n,)`` in metres per joint, keyed by its (proximal, distal) segments.
    tol
        The tolerance, metres.
    fraction
        Share of a dislocated run's length added on each side.

    Returns
    -------
    dict
        ``(n,)`` fault masks by segment.
    """
    links: dict[str, list[tuple[str, np.ndarray]]] = {}
    for (p, d), res in joints.items():
        off = dislocated(res, tol, fraction)
        links.setdefault(p, []).append((d, off))
        links.setdefault(d, []).append((p, off))
    inner = {s: np.logical_and.reduce([off for _, off in js])
             for s, js in links.items() if len(js) >= 2}
    out = dict(inner)
    for s, js in links.items():
        if len(js) == 1:
            other, off = js[0]
            out[s] = off & ~inner.get(other, np.zeros_like(off))
    return out


def widen(mask: np.ndarray, fraction: float) -> np.ndarray:
    """``mask`` with each run of True extended by ``fraction`` of its length on both sides."""
    out = mask.copy()
    for start, end in true_runs(mask):
        pad = int(np.ceil(fraction * (end - start)))
        out[max(start - pad, 0):end + pad] = True
    return out


def _bridge(known: np.ndarray, values: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """Values at ``inside`` from a least-squares cubic through the samples on both sides.

    A fitted (not interpolating) cubic: noise or the tail of a fault just outside the run
    does not set the slope at its ends.
    """
    mid, half = (known[0] + known[-1]) / 2, max((known[-1] - known[0]) / 2, 1)
    flat = values.reshape(len(known), -1)
    coef = np.polynomial.polynomial.polyfit((known - mid) / half, flat, 3)
    fitted = np.polynomial.polynomial.polyval((inside - mid) / half, coef).T
    return fitted.reshape(len(inside), *values.shape[1:])


def fill_from_neighbour(x: np.ndarray, pose: tuple[np.ndarray, np.ndarray], gaps: np.ndarray,
                        max_len: int) -> tuple[np.ndarray, np.ndarray]:
    """Fill the runs of ``gaps`` in ``x`` ``(n, m, 3)`` from a neighbouring segment's pose.

    The markers' coordinates in the neighbour's frame (Howarth & Callaghan 2010) are bridged
    across each run by a least-squares cubic through as many good samples on each side as
    the run is long (at least four).

    Parameters
    ----------
    x
        The segment's markers, metres; NaN in the runs to fill.
    pose
        The neighbour's rotations ``(n, 3, 3)`` and translations ``(n, 3)``.
    gaps
        ``(n,)`` mask of the samples to fill.
    max_len
        Longest run filled, samples; longer runs, and runs without four good samples on
        each side or a known neighbour throughout, stay missing.

    Returns
    -------
    tuple of numpy.ndarray
        The filled markers and the ``(n,)`` mask of samples left missing.
    """
    rot, trans = pose
    local = np.einsum("nji,nmj->nmi", rot, x - trans[:, None])  # R^T (x - t)
    out, left = x.copy(), np.zeros(len(x), bool)
    for start, end in true_runs(gaps):
        span = max(end - start, 4)
        lo, hi = max(start - span, 0), min(end + span, len(x))
        idx = np.r_[lo:start, end:hi]
        idx = idx[np.isfinite(local[idx]).all(axis=(1, 2))]
        inside = np.arange(start, end)
        known = np.isfinite(trans[inside]).all() and end - start <= max_len
        if not known or (idx < start).sum() < 4 or (idx >= end).sum() < 4:
            out[start:end], left[start:end] = np.nan, True
            continue
        loc = _bridge(idx, local[idx], inside)
        out[start:end] = np.einsum("nij,nmj->nmi", rot[inside], loc) + trans[inside, None]
    return out, left


@dataclass(frozen=True)
class Tolerances:
    """The rules' thresholds (metres, seconds, fraction), by default from the table."""

    rigid: float = field(default_factory=lambda: threshold("io.clusters.rigid_tolerance_mm")
                         / 1000)
    joint: float = field(default_factory=lambda: threshold("io.clusters.joint_tolerance_mm")
                         / 1000)
    widen: float = field(default_factory=lambda: threshold("io.clusters.widen_fraction"))
    max_fill_s: float = field(default_factory=lambda: threshold("io.clusters.max_fill_s"))


def _joints(clusters: dict[str, object]) -> list[tuple[str, str]]:
    """Neighbouring segment pairs (proximal, distal) with clusters on both sides."""
    pairs = []
    for side in "LR":
        chain = ["pelvis"] + [f"{side}_{seg}" for seg in SEGMENTS]
        pairs += [(p, d) for p, d in zip(chain, chain[1:], strict=False)
                  if p in clusters and d in clusters]
    return pairs


def clean_clusters(rec: Recording, tol: Tolerances | None = None) -> Recording:
    """The recording with its marker clusters repaired (rules 1 and 2 of the module).

    Parameters
    ----------
    rec
        A recording as read (any axes; positions in metres).
    tol
        Thresholds; ``None``: the table's.

    Returns
    -------
    Recording
        A copy with repaired markers, the refilled samples in ``interpolated`` and one or two
        warnings per repaired cluster; ``rec`` itself when it has no cluster.
    """
    clusters = segment_clusters(rec)
    if not clusters:
        return rec
    tol = tol or Tolerances()
    data = {s: np.stack([rec.points[m] for m in ms], axis=1) for s, ms in clusters.items()}
    reports = {s: ClusterReport() for s in clusters}
    faulty, rebuilt = {}, {}
    for s in clusters:
        data[s], faulty[s], rebuilt[s] = reject_outliers(data[s], tol.rigid)
    removed = _remove_jumps(data, faulty, reports, tol)
    filled = _refill(data, removed, reports, rec.fs, tol)
    points, interpolated = dict(rec.points), dict(rec.interpolated)
    for s, ms in clusters.items():
        reports[s].rebuilt = int(rebuilt[s][~removed[s]].sum())
        for k, m in enumerate(ms):
            points[m] = data[s][:, k]
            if filled[s].any():
                interpolated[m] = interpolated.get(m, np.zeros(len(filled[s]), bool)) | filled[s]
    warnings = [w for s, r in reports.items() for w in _warning(rec, s, r)]
    return replace(rec, points=points, warnings=rec.warnings + warnings,
                   interpolated=interpolated)


def _poses(data: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Rigid pose of every cluster that has a reference shape."""
    shapes = {s: reference_shape(x)[1] for s, x in data.items()}
    return {s: rigid_fit(shape, data[s]) for s, shape in shapes.items()
            if np.isfinite(shape).all()}


def _remove_jumps(data: dict[str, np.ndarray], faulty: dict[str, np.ndarray],
                  reports: dict[str, ClusterReport], tol: Tolerances) -> dict[str, np.ndarray]:
    """Rule 2: blank (in place) the samples where a cluster jumped or had no rigid majority.

    Returns
    -------
    dict
        Per cluster, the ``(n,)`` mask of the samples removed, margins included.
    """
    poses = _poses(data)
    pairs = [pair for pair in _joints(data) if pair[0] in poses and pair[1] in poses]
    jumped = blame({pair: joint_dislocation(poses[pair[0]], poses[pair[1]])
                    for pair in pairs}, tol.joint, tol.widen)
    removed = {}
    for s in data:
        jump = jumped.get(s, np.zeros(len(data[s]), bool))
        reports[s].jumped = int((jump & ~faulty[s]).sum())
        reports[s].no_majority = int(faulty[s].sum())
        removed[s] = jump | widen(faulty[s], tol.widen)
        data[s][removed[s]] = np.nan
        reports[s].removed = int(removed[s].sum())
    return removed


def _refill(data: dict[str, np.ndarray], removed: dict[str, np.ndarray],
            reports: dict[str, ClusterReport], fs: float,
            tol: Tolerances) -> dict[str, np.ndarray]:
    """Refill (in place) the removed samples from a neighbouring segment's frame.

    Returns
    -------
    dict
        Per cluster, the ``(n,)`` mask of the samples refilled (interpolated).
    """
    poses = _poses(data)  # without the removed samples
    pairs = [pair for pair in _joints(data) if pair[0] in poses and pair[1] in poses]
    max_len = int(round(tol.max_fill_s * fs))
    for s in data:
        left = removed[s]
        for n in [p if d == s else d for p, d in pairs if s in (p, d)]:
            if not left.any():
                break
            data[s], still = fill_from_neighbour(data[s], poses[n], left, max_len)
            if (still < left).any():
                reports[s].neighbours.append(n)
            left = still
        reports[s].refilled = int(removed[s].sum() - left.sum())
    return {s: removed[s] & np.isfinite(data[s]).all(axis=(1, 2)) for s in data}


def _warning(rec: Recording, name: str, r: ClusterReport) -> list[str]:
    """The warnings of one cluster's repairs, in words."""
    out = []
    if r.rebuilt:
        out.append(f"{rec.path.name}: marker cluster {name}: {r.rebuilt} marker samples left "
                   "the cluster's rigid shape and were rebuilt from the others (rigid fit)")
    if r.removed:
        why = []
        if r.no_majority:
            why.append(f"its markers lost their rigid shape in {r.no_majority} samples")
        if r.jumped:
            why.append(f"it jumped away from its neighbouring segment in {r.jumped} samples "
                       "(the joint centre seen from the two segments apart)")
        fate = ([f"{r.refilled} interpolated in the frame of {' and '.join(r.neighbours)}"]
                if r.refilled else [])
        if r.removed > r.refilled:
            fate.append(f"{r.removed - r.refilled} left missing")
        out.append(f"{rec.path.name}: marker cluster {name}: {' and '.join(why)}; "
                   f"{r.removed} samples ({r.removed / rec.fs:.2f} s) with their margins "
                   f"removed: {', '.join(fate)}")
    return out
