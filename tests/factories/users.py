import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from justsend_panel.core.roles import ADMINISTRATORS, MARKETING

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        self.save()


def marketing_user_create(**kwargs):
    return UserFactory(role=MARKETING, **kwargs)


def administrator_create(**kwargs):
    return UserFactory(role=ADMINISTRATORS, is_staff=True, is_superuser=True, **kwargs)
