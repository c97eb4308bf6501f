"""Distances between a person and a service: exact for display, cheap for ordering in SQL.

The distance shown is the geodesic on the WGS-84 ellipsoid from geographiclib
(the library geopy's `geodesic` runs on; used directly, it does not import
geopy's geocoders, which call web services). Ordering happens in SQL, where
the geodesic is not available and computing it in Python for every candidate
is too slow (0.2 ms or more each: 4,000 services of one topic take 0.8 s).
SQL orders by the squared equirectangular distance instead: plain arithmetic
that SQLite and PostgreSQL both evaluate, and within a region (tens of
kilometres) it ranks services like the geodesic does, to within a fraction of
a per cent of the distance.
"""
import math
from typing import Tuple

from geographiclib.geodesic import Geodesic

Point = Tuple[float, float]  # (latitude, longitude) in degrees


def distance_km(a: Point, b: Point) -> float:
    return Geodesic.WGS84.Inverse(a[0], a[1], b[0], b[1], Geodesic.DISTANCE)["s12"] / 1000.0


def valid_point(latitude, longitude) -> bool:
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return False
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


def longitude_scale(latitude: float) -> float:
    """How much shorter a degree of longitude is than one of latitude, there."""
    return math.cos(math.radians(latitude))


def ordering_expression(latitude_column, longitude_column, latitude, longitude, scale):
    """An SQL expression that grows with the distance from (latitude, longitude):
    degrees², longitude scaled by `scale` (longitude_scale of the origin).
    Values may be bound parameters. Assumes the region does not straddle the
    ±180° meridian."""
    d_lat = latitude_column - latitude
    d_lon = (longitude_column - longitude) * scale
    return d_lat * d_lat + d_lon * d_lon
