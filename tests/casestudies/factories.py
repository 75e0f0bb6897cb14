import factory
from django.utils import timezone

from casestudies.models import CaseStudy, Resource, ResourceVersion, Tag
from tests.riia.factories import LocalAuthorityFactory, UserFactory


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"tag-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").capitalize())


class CaseStudyFactory(factory.django.DjangoModelFactory):
    """A complete draft by default; ``published=True`` gives a published one."""

    class Meta:
        model = CaseStudy
        skip_postgeneration_save = True

    class Params:
        published = factory.Trait(status=CaseStudy.Status.PUBLISHED, published_at=factory.LazyFunction(timezone.now))

    title = factory.Sequence(lambda n: f"Case study {n}")
    author_la = factory.SubFactory(LocalAuthorityFactory)
    region = factory.LazyAttribute(lambda o: o.author_la.region)
    author = factory.SubFactory(UserFactory)
    case_type = CaseStudy.Type.ESCALATION
    issue = "An agency advertised roles above the cap."
    decision = "The workforce leads agreed to escalate to the programme manager."
    outcome = CaseStudy.Outcome.SUCCESSFUL
    outcome_assessment = "The adverts came down within a week."
    learning = "Escalating early through the MSP works."

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    title = factory.Sequence(lambda n: f"Resource {n}")
    kind = Resource.Kind.TEMPLATE_EMAIL
    region = factory.SubFactory("tests.riia.factories.RegionFactory")
    created_by = factory.SubFactory(UserFactory)


class ResourceVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceVersion

    resource = factory.SubFactory(ResourceFactory)
    number = factory.Sequence(lambda n: n + 1)
    body = "Dear {{ agency }}, ..."
    created_by = factory.SubFactory(UserFactory)
