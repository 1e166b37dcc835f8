from django.urls import reverse


def test_dutch_by_default_and_english_on_request(client, world):
    assert "Inloggen" in client.get(reverse("account_login")).text
    client.post(reverse("switch_language"), {"language": "en", "next": "/accounts/login/"})
    assert "Log in" in client.get(reverse("account_login")).text


def test_language_choice_is_kept_in_the_profile(client, world):
    user = world.users["participant"]
    client.force_login(user)
    response = client.post(
        reverse("switch_language"), {"language": "en", "next": reverse("merchants:profile")}
    )
    assert response["Location"] == reverse("merchants:profile")
    user.refresh_from_db()
    assert user.language == "en"
    assert "Your roles" in client.get(reverse("merchants:profile")).text


def test_unknown_language_and_foreign_next_are_ignored(client, world):
    response = client.post(
        reverse("switch_language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert response.cookies["django_language"].value == "nl"
