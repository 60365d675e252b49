"""The transfer-route map drawn on the server as SVG: projection, markers, routes and labels.

No tile, font or script is fetched: the map is built from our own coordinates alone. A fitted
Mercator projection covers the places on the routes; places that share coordinates (a facility
drawn at the coordinates of its town) are spread apart until their markers no longer overlap,
with a thin leader to where they really are; each site (one set of coordinates) gets one label in
English and Korean, put where it hides no marker and no other label. For orientation the map
shows the graticule and the countries and provinces whose coordinates the dataset holds: at their
point when it is inside the frame, at the frame's edge with an arrow when it is outside. No
border is drawn: the dataset holds none.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

WIDTH = 1100.0
MAX_HEIGHT = 900.0
MARGIN = 34.0  # room for the graticule labels
PAD = 0.08  # of the points' extent, around them
MIN_SPAN = 1.0  # degrees: a map of one town still shows some country around it
GAP = 4.0  # between two markers, in pixels
MIN_R, MAX_R = 4.0, 15.0
MIN_W, MAX_W = 1.2, 8.0
EN_SIZE, KO_SIZE = 12.0, 11.0
LINE = 1.2  # line height, in font sizes


@dataclass
class Place:
    """A place on the routes, as the map needs it."""

    iri: str
    name: str
    name_ko: str
    lat: float
    long: float
    victims: int
    country: str = ""
    approximate: bool = False
    coordinates_from: str = ""
    coordinates_from_name: str = ""
    coordinates_from_name_ko: str = ""
    operator: str = ""
    operator_name: str = ""
    agency: str = ""


@dataclass
class Step:
    """Victims moved from one place to another (a transfer or a repatriation)."""

    source: Place
    target: Place
    victims: int

    @property
    def crosses_border(self) -> bool:
        return bool(self.source.country and self.target.country) and (
            self.source.country != self.target.country
        )


@dataclass
class Region:
    """A country or province with coordinates: orientation only, never a border."""

    iri: str
    name: str
    name_ko: str
    kind: str  # "country" or "province"
    country: str
    lat: float
    long: float


@dataclass
class Marker:
    place: Place
    x0: float  # where the place is
    y0: float
    r: float
    x: float = 0.0  # where its marker is drawn
    y: float = 0.0
    index: int = 0

    @property
    def displaced(self) -> bool:
        return math.hypot(self.x - self.x0, self.y - self.y0) > self.r * 0.6


@dataclass
class Route:
    step: Step
    path: str
    arrow: str
    width: float
    index: int


@dataclass
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: Box) -> float:
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return w * h if w > 0 and h > 0 else 0.0

    def inside(self, other: Box) -> bool:
        return (
            self.x0 >= other.x0
            and self.y0 >= other.y0
            and self.x1 <= other.x1
            and self.y1 <= other.y1
        )


@dataclass
class Label:
    """A site's name in English and Korean, the places it names and an optional leader line."""

    x: float  # left of the text block
    y: float  # top of the text block
    name: str
    name_ko: str
    places: list[str]
    leader: tuple[float, float, float, float] | None = None
    box: Box | None = None

    @property
    def en_y(self) -> float:
        return self.y + EN_SIZE

    @property
    def ko_y(self) -> float:
        return self.y + EN_SIZE * LINE + KO_SIZE


@dataclass
class Note:
    """An orientation label: a country or province, in the frame or at its edge."""

    x: float
    y: float
    text: str
    text_ko: str
    kind: str  # "country", "province" or "edge"
    anchor: str = "middle"


@dataclass
class Drawing:
    """Everything the template draws, in SVG user units."""

    width: float
    height: float
    markers: list[Marker]
    routes: list[Route]
    labels: list[Label]
    notes: list[Note]
    meridians: list[tuple[float, str]]
    parallels: list[tuple[float, str]]
    bounds: tuple[float, float, float, float]  # west, south, east, north
    frame: Box = field(default_factory=lambda: Box(0, 0, 0, 0))
    sizes: list[tuple[int, float]] = field(default_factory=list)
    widths: list[tuple[int, float]] = field(default_factory=list)
    scale: tuple[float, float, float, str] | None = None  # x, y, length in pixels, label
    projection: Projection | None = None

    def rectangle(self, bounds: tuple[float, float, float, float]) -> Box:
        """A box of longitudes and latitudes (west, south, east, north) in this drawing's pixels."""
        proj = self.projection
        west, south, east, north = bounds
        x0, y0 = proj(west, north)
        x1, y1 = proj(east, south)
        return Box(x0, y0, x1, y1)


# ----------------------------------------------------------------------------------------------
# Projection


def _merc(lat: float) -> float:
    lat = max(-85.0, min(85.0, lat))
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def _unmerc(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(math.radians(y))) - math.pi / 2)


class Projection:
    """Mercator fitted to a box of longitudes and latitudes, north up, in a frame of pixels.

    The frame is as large as the box allows within max_width by max_height, plus a margin.
    """

    def __init__(
        self,
        west: float,
        south: float,
        east: float,
        north: float,
        max_width: float = WIDTH,
        max_height: float = MAX_HEIGHT,
        fill: bool = False,
    ):
        self.box = (west, south, east, north)
        self.top = _merc(north)
        span_x, span_y = east - west, self.top - _merc(south)
        self.scale = min((max_width - 2 * MARGIN) / span_x, (max_height - 2 * MARGIN) / span_y)
        if fill:  # widen the shorter side of the box to the whole frame
            extra_x = (max_width - 2 * MARGIN) / self.scale - span_x
            extra_y = (max_height - 2 * MARGIN) / self.scale - span_y
            west, east = west - extra_x / 2, east + extra_x / 2
            self.top += extra_y / 2
            span_x, span_y = span_x + extra_x, span_y + extra_y
            self.box = (west, _unmerc(self.top - span_y), east, _unmerc(self.top))
        self.width = round(span_x * self.scale + 2 * MARGIN)
        self.height = round(span_y * self.scale + 2 * MARGIN)

    def __call__(self, long: float, lat: float) -> tuple[float, float]:
        x = MARGIN + (long - self.box[0]) * self.scale
        y = MARGIN + (self.top - _merc(lat)) * self.scale
        return x, y

    def inverse(self, x: float, y: float) -> tuple[float, float]:
        return self.box[0] + (x - MARGIN) / self.scale, _unmerc(
            self.top - (y - MARGIN) / self.scale
        )

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """West, south, east, north of the whole frame, margins included."""
        west, north = self.inverse(0, 0)
        east, south = self.inverse(self.width, self.height)
        return west, south, east, north

    def covers(self, place: Place) -> bool:
        west, south, east, north = self.box
        return west <= place.long <= east and south <= place.lat <= north


def fit(
    points: list[tuple[float, float]],
    max_width: float = WIDTH,
    max_height: float = MAX_HEIGHT,
    min_span: float = MIN_SPAN,
    fill: bool = False,
) -> Projection:
    """The projection of the points' bounding box, padded, and at least min_span wide and tall."""
    longs = [p[0] for p in points]
    lats = [p[1] for p in points]
    west, east, south, north = min(longs), max(longs), min(lats), max(lats)
    pad_x = max((east - west) * PAD, (min_span - (east - west)) / 2, 0.05)
    pad_y = max((north - south) * PAD, (min_span - (north - south)) / 2, 0.05)
    return Projection(
        west - pad_x, south - pad_y, east + pad_x, north + pad_y, max_width, max_height, fill
    )


def dense_window(places: list[Place], share: float = 0.25) -> list[Place] | None:
    """The places of the most crowded part of the map, when one deserves an enlargement.

    A square of `share` times the map's larger extent is tried around every place; the one
    holding most places (then most victims) wins if it holds at least a third of them, and at
    least six.
    """
    if len(places) < 6:
        return None
    longs = [p.long for p in places]
    lats = [p.lat for p in places]
    side = share * max(max(longs) - min(longs), max(lats) - min(lats))
    best: list[Place] | None = None
    for centre in places:
        members = [
            p
            for p in places
            if abs(p.long - centre.long) <= side / 2 and abs(p.lat - centre.lat) <= side / 2
        ]
        key = (len(members), sum(p.victims for p in members))
        if best is None or key > (len(best), sum(p.victims for p in best)):
            best = members
    if best is None or len(best) < max(6, len(places) / 3) or len(best) == len(places):
        return None
    return best


# ----------------------------------------------------------------------------------------------
# Text


NARROW = set("ijlrtf.,:;'()|! -/·\u2019\u2013")  # narrow letters and punctuation


def text_width(text: str, size: float, bold: bool = False) -> float:
    """A generous estimate of the width of a line of text (no font is measured on the server).

    Calibrated on DejaVu Sans and NanumGothic, the fonts headless Chromium uses here.
    """
    em = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF":
            em += 0.95
        elif ch in NARROW:
            em += 0.36
        elif ch.isupper() or ch in "mw":
            em += 0.78
        else:
            em += 0.64
    return em * size * (1.14 if bold else 1.0)


_QUALIFIER = re.compile(r"\s*\([^()]*\)\s*$")


def short_name(name: str) -> str:
    """A name without its trailing parenthesis: `Kyohwaso No. 1 (Kaechon)` -> `Kyohwaso No. 1`."""
    shorter = _QUALIFIER.sub("", name or "")
    return shorter or name or ""


# ----------------------------------------------------------------------------------------------
# Layout


def _radius(victims: int, most: int) -> float:
    return MIN_R + (MAX_R - MIN_R) * math.sqrt(max(victims, 0) / max(most, 1))


def _width(victims: int, most: int) -> float:
    return MIN_W + (MAX_W - MIN_W) * max(victims, 0) / max(most, 1)


def spread(markers: list[Marker], gap: float = GAP, rounds: int = 400) -> None:
    """Push overlapping markers apart until none overlaps (deterministic)."""
    groups: dict[tuple[float, float], list[Marker]] = defaultdict(list)
    for m in markers:
        groups[(round(m.x0, 1), round(m.y0, 1))].append(m)
    for members in groups.values():
        count = len(members)
        for k, m in enumerate(members):
            angle = -math.pi / 2 + 2 * math.pi * k / count
            nudge = 0.5 if count > 1 else 0.0
            m.x, m.y = m.x0 + nudge * math.cos(angle), m.y0 + nudge * math.sin(angle)
    for _ in range(rounds):
        moved = False
        for i, a in enumerate(markers):
            for b in markers[i + 1 :]:
                dx, dy = b.x - a.x, b.y - a.y
                distance = math.hypot(dx, dy)
                need = a.r + b.r + gap
                if distance >= need:
                    continue
                if distance < 1e-6:
                    dx, dy, distance = 1.0, 0.0, 1.0
                push = (need - distance) / 2 + 0.01
                ux, uy = dx / distance, dy / distance
                a.x, a.y = a.x - ux * push, a.y - uy * push
                b.x, b.y = b.x + ux * push, b.y + uy * push
                moved = True
        if not moved:
            break


def _route(step: Step, a: Marker, b: Marker, width: float, index: int) -> Route:
    """A curved arrow from marker a to marker b, bending to its right so opposite steps part."""
    dx, dy = b.x - a.x, b.y - a.y
    distance = math.hypot(dx, dy) or 1.0
    ux, uy = dx / distance, dy / distance
    bend = min(max(0.13 * distance, 10.0), 36.0)
    mx, my = (a.x + b.x) / 2, (a.y + b.y) / 2
    cx, cy = mx - uy * bend, my + ux * bend

    def towards(m: Marker, px: float, py: float, extra: float) -> tuple[float, float]:
        vx, vy = px - m.x, py - m.y
        length = math.hypot(vx, vy) or 1.0
        return m.x + vx / length * (m.r + extra), m.y + vy / length * (m.r + extra)

    sx, sy = towards(a, cx, cy, 1.0)
    tx, ty = towards(b, cx, cy, 1.5)
    head = 5.0 + 1.1 * width
    half = 2.6 + 0.75 * width
    vx, vy = tx - cx, ty - cy
    length = math.hypot(vx, vy) or 1.0
    vx, vy = vx / length, vy / length
    bx, by = tx - vx * head, ty - vy * head
    path = f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {bx + vx * 0.5:.1f},{by + vy * 0.5:.1f}"
    arrow = (
        f"{tx:.1f},{ty:.1f} {bx - vy * half:.1f},{by + vx * half:.1f} "
        f"{bx + vy * half:.1f},{by - vx * half:.1f}"
    )
    return Route(step, path, arrow, round(width, 2), index)


def _label_box(x: float, y: float, name: str, name_ko: str) -> Box:
    width = max(
        text_width(name, EN_SIZE, bold=True), text_width(name_ko, KO_SIZE) if name_ko else 0.0
    )
    height = EN_SIZE * LINE + (KO_SIZE * LINE if name_ko else 0.0)
    return Box(x, y, x + width, y + height)


_DIRECTIONS = [(1, 0), (-1, 0), (1, -1), (1, 1), (-1, -1), (-1, 1), (0, -1), (0, 1)]


def _candidates(cx: float, cy: float, radius: float, w: float, h: float):
    """Label positions around a circle: right, left, diagonals, above, below; then further out."""
    for extra in (3.0, 16.0, 32.0, 52.0):
        reach = radius + extra
        for dx, dy in _DIRECTIONS:
            if dx and dy:
                px, py = cx + dx * reach * 0.72, cy + dy * reach * 0.72
            else:
                px, py = cx + dx * reach, cy + dy * reach
            x = px if dx > 0 else (px - w if dx < 0 else px - w / 2)
            y = py if dy > 0 else (py - h if dy < 0 else py - h / 2)
            yield x, y, extra > 3.0, (px, py)


def place_labels(markers: list[Marker], frame: Box, obstacles: list[Box]) -> list[Label]:
    """One label a site (one set of coordinates), placed greedily, busiest site first."""
    sites: dict[tuple[float, float], list[Marker]] = defaultdict(list)
    for m in markers:
        sites[(round(m.x0, 1), round(m.y0, 1))].append(m)
    placed: list[Box] = []
    labels = []
    order = sorted(sites.values(), key=lambda ms: (-sum(m.place.victims for m in ms), ms[0].index))
    for members in order:
        first = max(members, key=lambda m: (m.place.victims, -m.index))
        holder = first.place
        name = short_name(holder.coordinates_from_name or holder.name)
        name_ko = short_name(holder.coordinates_from_name_ko or holder.name_ko)
        cx = sum(m.x for m in members) / len(members)
        cy = sum(m.y for m in members) / len(members)
        radius = max(math.hypot(m.x - cx, m.y - cy) + m.r for m in members)
        probe = _label_box(0, 0, name, name_ko)
        w, h = probe.x1, probe.y1
        best = None
        for x, y, far, (px, py) in _candidates(cx, cy, radius, w, h):
            box = Box(x, y, x + w, y + h)
            if not box.inside(frame):
                continue
            cost = sum(box.overlap(o) for o in obstacles) + sum(box.overlap(o) for o in placed)
            if best is None or cost < best[0]:
                best = (cost, box, far, (px, py))
            if cost == 0:
                break
        if best is None:  # no room inside the frame at all: put it on the right, clipped
            best = (0.0, Box(cx + radius, cy - h / 2, cx + radius + w, cy + h / 2), False, (0, 0))
        _, box, far, (px, py) = best
        leader = None
        if far:
            ex, ey = px - cx, py - cy
            length = math.hypot(ex, ey) or 1.0
            leader = (cx + ex / length * radius, cy + ey / length * radius, px, py)
        placed.append(box)
        labels.append(
            Label(
                box.x0,
                box.y0,
                name,
                name_ko,
                [m.place.iri for m in members],
                leader,
                box,
            )
        )
    return labels


def _step(span: float) -> float:
    for step in (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0):
        if span / step <= 10:
            return step
    return 30.0


def _degrees(value: float, positive: str, negative: str) -> str:
    text = f"{abs(value):g}°"
    return text + (positive if value >= 0 else negative)


def _edge_note(region: Region, proj: Projection, frame: Box) -> Note:
    """A note at the frame's edge, on the line from the frame's centre towards the region."""
    x, y = proj(region.long, region.lat)
    cx, cy = (frame.x0 + frame.x1) / 2, (frame.y0 + frame.y1) / 2
    dx, dy = x - cx, y - cy
    scale = min(
        (frame.x1 - 8 - cx) / dx if dx > 0 else (frame.x0 + 8 - cx) / dx if dx < 0 else math.inf,
        (frame.y1 - 30 - cy) / dy if dy > 0 else (frame.y0 + 18 - cy) / dy if dy < 0 else math.inf,
    )
    ex, ey = cx + dx * scale, cy + dy * scale
    angle = math.degrees(math.atan2(-dy, dx)) % 360
    arrow = "→↗↑↖←↙↓↘"[round(angle / 45) % 8]
    anchor = "start" if ex < cx - 1 else "end" if ex > cx + 1 else "middle"
    text = f"{arrow} {region.name}" if anchor == "start" else f"{region.name} {arrow}"
    return Note(ex, ey, text, region.name_ko, "edge", anchor)


def _note_box(note: Note) -> Box:
    size = 15.0 if note.kind == "country" else 11.0
    width = text_width(note.text, size)
    if note.kind == "country":  # letter-spaced
        width += 0.25 * size * len(note.text)
    width = max(width, text_width(note.text_ko, size * 0.85), 1.0)
    x0 = {"start": note.x, "end": note.x - width, "middle": note.x - width / 2}[note.anchor]
    lines = 2.3 if note.text_ko else 1.2
    return Box(x0, note.y - size, x0 + width, note.y - size + size * lines)


def orientation(
    regions: list[Region], proj: Projection, frame: Box, taken: list[Box], countries: set[str]
) -> list[Note]:
    """Countries and provinces of the routes' countries: at their point, or at the frame's edge.

    A note that would hide a marker or a label is moved a little, or left out.
    """
    notes = []
    inner = Box(frame.x0 + 4, frame.y0 + 4, frame.x1 - 4, frame.y1 - 4)
    for region in sorted(regions, key=lambda r: (r.kind != "country", r.name)):
        if region.country not in countries:
            continue
        x, y = proj(region.long, region.lat)
        if frame.x0 < x < frame.x1 and frame.y0 < y < frame.y1:
            text = region.name.upper() if region.kind == "country" else region.name
            tries = [Note(x, y + dy, text, region.name_ko, region.kind) for dy in (0, -24, 24)]
        elif region.kind == "province":
            tries = [_edge_note(region, proj, frame)]
        else:
            continue  # a country's point far away says little about direction: see the inset
        for note in tries:
            box = _note_box(note)
            if box.inside(inner) and not any(box.overlap(t) for t in taken):
                taken.append(box)
                notes.append(note)
                break
    return notes


def draw(
    places: list[Place],
    steps: list[Step],
    regions: list[Region],
    window: list[Place] | None = None,
    max_width: float = WIDTH,
    max_height: float = MAX_HEIGHT,
) -> Drawing | None:
    """Lay the routes out; None when there is nothing to draw.

    With a window (some of the places), the map covers those places only: steps to places
    outside run off the frame towards them, and the template clips them.
    """
    if not places:
        return None
    shown = window or places
    points = [(p.long, p.lat) for p in shown]
    proj = fit(points, max_width, max_height, 0.3 if window else MIN_SPAN, fill=bool(window))
    frame = Box(0, 0, proj.width, proj.height)
    most_place = max(p.victims for p in places)
    inside = {p.iri for p in places if proj.covers(p)}
    markers, outside = [], {}
    for index, place in enumerate(sorted(places, key=lambda p: (-p.victims, p.iri))):
        x, y = proj(place.long, place.lat)
        if place.iri in inside:
            markers.append(Marker(place, x, y, _radius(place.victims, most_place), index=index))
        else:
            outside[place.iri] = Marker(place, x, y, 0.0, x, y, index)
    spread(markers)
    by_iri = {m.place.iri: m for m in markers} | outside
    most_step = max((s.victims for s in steps), default=1)
    ordered = sorted(steps, key=lambda s: (-s.victims, s.source.iri, s.target.iri))
    ordered = [s for s in ordered if s.source.iri in inside or s.target.iri in inside]
    routes = [
        _route(s, by_iri[s.source.iri], by_iri[s.target.iri], _width(s.victims, most_step), i)
        for i, s in enumerate(ordered)
    ]
    west, south, east, north = proj.bounds
    step = _step(max(east - west, north - south))
    meridians = [
        (proj(long, south)[0], _degrees(long, "E", "W")) for long in _range(west, east, step)
    ]
    parallels = [
        (proj(west, lat)[1], _degrees(lat, "N", "S")) for lat in _range(south, north, step)
    ]
    taken = [Box(m.x - m.r, m.y - m.r, m.x + m.r, m.y + m.r) for m in markers]
    # the graticule's labels: along the bottom and the left edges
    taken += [Box(x, proj.height - 18, x + 40, proj.height) for x, _ in meridians]
    taken += [Box(0, y - 14, 40, y) for y, _ in parallels]
    labels = place_labels(markers, frame, taken)
    taken += [label.box for label in labels if label.box]
    countries = {p.country for p in places if p.country}
    notes = orientation(regions, proj, frame, taken, countries)
    scale = scale_bar(proj, frame, taken)
    sizes = sorted({_nice(most_place), _nice(max(most_place // 3, 1)), 1}, reverse=True)
    widths = sorted({_nice(most_step), _nice(max(most_step // 2, 1)), 1}, reverse=True)
    return Drawing(
        width=proj.width,
        height=proj.height,
        markers=sorted(markers, key=lambda m: -m.r),
        routes=routes,
        labels=labels,
        notes=notes,
        meridians=meridians,
        parallels=parallels,
        bounds=proj.bounds,
        frame=frame,
        sizes=[(v, _radius(v, most_place)) for v in sizes],
        widths=[(v, _width(v, most_step)) for v in widths],
        scale=scale,
        projection=proj,
    )


def scale_bar(proj: Projection, frame: Box, taken: list[Box]):
    """A scale bar true at the frame's middle latitude, in a corner where it hides nothing."""
    _, south, _, north = proj.bounds
    px_per_km = proj.scale / (111.32 * math.cos(math.radians((south + north) / 2)))
    km = next(
        (k for k in (1000, 500, 200, 100, 50, 20, 10, 5, 2, 1) if k * px_per_km <= 160),
        1,
    )
    length = km * px_per_km
    corners = [
        (frame.x0 + MARGIN + 8, frame.y1 - MARGIN - 6),
        (frame.x1 - MARGIN - 8 - length, frame.y1 - MARGIN - 6),
        (frame.x0 + MARGIN + 8, frame.y0 + MARGIN + 22),
        (frame.x1 - MARGIN - 8 - length, frame.y0 + MARGIN + 22),
    ]
    for x, y in corners:
        box = Box(x - 4, y - 18, x + length + 4, y + 6)
        if not any(box.overlap(t) for t in taken):
            taken.append(box)
            return (round(x, 1), round(y, 1), round(length, 1), f"{km} km")
    return None


def _range(low: float, high: float, step: float) -> list[float]:
    start = math.ceil(low / step) * step
    values = []
    value = start
    while value <= high:
        values.append(round(value, 6))
        value += step
    return values


def _nice(value: int) -> int:
    """A round number at most value, for the legend (1, 2, 5, 10, 20, ...)."""
    if value <= 2:
        return max(value, 1)
    power = 10 ** int(math.log10(value))
    for factor in (5, 2, 1):
        if factor * power <= value:
            return factor * power
    return value


@dataclass
class Inset:
    """Where the map lies among the routes' countries: their points and the map's frame."""

    width: float
    height: float
    points: list[tuple[float, float, str, str]]
    frame: Box


def inset(regions: list[Region], bounds: tuple[float, float, float, float], countries: set[str]):
    """An equirectangular sketch of the countries' reference points and the map's frame."""
    chosen = [r for r in regions if r.kind == "country" and r.country in countries]
    if not chosen:
        return None
    west, south, east, north = bounds
    longs = [west, east, *(r.long for r in chosen)]
    lats = [south, north, *(r.lat for r in chosen)]
    lo_x, hi_x, lo_y, hi_y = min(longs), max(longs), min(lats), max(lats)
    pad_x, pad_y = (hi_x - lo_x) * 0.12 + 1, (hi_y - lo_y) * 0.15 + 1
    lo_x, hi_x, lo_y, hi_y = lo_x - pad_x, hi_x + pad_x, lo_y - pad_y, hi_y + pad_y
    width = 260.0
    height = round(min(max(width * (hi_y - lo_y) / (hi_x - lo_x), 120.0), 260.0))

    def at(long: float, lat: float) -> tuple[float, float]:
        return (
            (long - lo_x) / (hi_x - lo_x) * width,
            (hi_y - lat) / (hi_y - lo_y) * height,
        )

    points = [(*at(r.long, r.lat), r.name, r.name_ko) for r in chosen]
    x0, y0 = at(west, north)
    x1, y1 = at(east, south)
    return Inset(width, height, points, Box(x0, y0, x1, y1))
