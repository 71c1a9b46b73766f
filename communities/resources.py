"""django-import-export resources of the register (placeholder)."""

from import_export import resources

from communities import models as m


def _resource(model_cls):
    class Meta:
        model = model_cls

    return type(f"{model_cls.__name__}Resource", (resources.ModelResource,), {"Meta": Meta})


DistrictResource = _resource(m.District)
StreetResource = _resource(m.Street)
CommunityResource = _resource(m.Community)
CompoundResource = _resource(m.Compound)
PropertyCompanyResource = _resource(m.PropertyCompany)
ManagementTermResource = _resource(m.ManagementTerm)
HouseholdResource = _resource(m.Household)
