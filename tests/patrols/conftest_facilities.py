"""Facilities fixtures of the facilities tests (imported explicitly; the app's conftest is the
lead's). The world, hand-computed:

- A1: gates 北门 and 南门, each with a working camera, access control and barrier; an alarm
  point and a perimeter wall: 物防 and 技防 covered.
- A2: gate 东门 with a camera and a barrier, its access control out of service; a perimeter
  wall, no alarm: 物防 covered, 技防 not (东门's access control, the alarm).
- N1: no entrance: not assessed.
- B1: gate 西门 with everything and an alarm, its perimeter wall out of service: 技防 covered,
  物防 not (the perimeter).
- B2: nothing recorded: not assessed.
"""

from patrols import facility_services as fs
from patrols.models import EntranceKind, FacilityKind, FacilityLocation

K = FacilityKind
L = FacilityLocation


def gate(compound, name, kinds=(K.CAMERA, K.ACCESS_CONTROL, K.BARRIER), broken=()):
    entrance = fs.entrance_create(actor=None, compound=compound, name=name, kind=EntranceKind.BOTH)
    for kind in kinds:
        fs.facility_create(
            actor=None,
            compound=compound,
            kind=kind,
            location=L.ENTRANCE,
            entrance=entrance,
            in_service=kind not in broken,
        )
    return entrance


def whole(compound, kind, *, in_service=True):
    location = L.PERIMETER if kind == K.PERIMETER else L.BUILDING
    return fs.facility_create(
        actor=None,
        compound=compound,
        kind=kind,
        location=location,
        building="" if location == L.PERIMETER else "1号楼",
        in_service=in_service,
    )


def build_facilities(city):
    c = city.compounds
    gate(c["A1"], "北门")
    gate(c["A1"], "南门")
    whole(c["A1"], K.ALARM)
    whole(c["A1"], K.PERIMETER)
    gate(c["A2"], "东门", broken=(K.ACCESS_CONTROL,))
    whole(c["A2"], K.PERIMETER)
    gate(c["B1"], "西门")
    whole(c["B1"], K.ALARM)
    whole(c["B1"], K.PERIMETER, in_service=False)
    whole(c["B1"], K.FIRE_EQUIPMENT)
