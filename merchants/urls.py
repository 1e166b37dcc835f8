from django.urls import path

import plumbing.urls  # noqa: F401 (registers the <id:…> converter)
from merchants import device_views, member_views, sso_views, views

app_name = "merchants"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/devices/", device_views.add_device, name="device_add"),
    path("profile/devices/<id:pk>/remove/", device_views.remove_device, name="device_remove"),
    path("protocol/", views.protocol, name="protocol"),
    path("partnership/switch/", views.switch_partnership, name="switch_partnership"),
    path("partnership/objections/", views.objection_contact, name="objection_contact"),
    path("partnership/sign-on/", sso_views.settings_page, name="sso_settings"),
    path("sign-on/<slug:slug>/", sso_views.start, name="sso_start"),
    path("areas/", views.area_list, name="area_list"),
    path("areas/new/", views.area_create, name="area_create"),
    path("areas/<id:pk>/edit/", views.area_edit, name="area_edit"),
    path("shops/", views.shop_list, name="shop_list"),
    path("shops/new/", views.shop_create, name="shop_create"),
    path("shops/<id:pk>/", views.shop_detail, name="shop_detail"),
    path("shops/<id:pk>/edit/", views.shop_edit, name="shop_edit"),
    path("shops/<id:pk>/active/", views.shop_set_active, name="shop_set_active"),
    path("members/", member_views.member_list, name="member_list"),
    path("members/<id:pk>/end/", member_views.member_end, name="member_end"),
    path("invitations/new/", member_views.invitation_create, name="invitation_create"),
    path("invitations/<id:pk>/resend/", member_views.invitation_resend, name="invitation_resend"),
    path("invitations/<id:pk>/revoke/", member_views.invitation_revoke, name="invitation_revoke"),
    path("invite/<str:token>/", member_views.invitation_accept, name="invitation_accept"),
    path("my-shop/", views.my_shops, name="my_shops"),
    path("my-shop/<id:pk>/staff/", views.my_shop_staff, name="my_shop_staff"),
    path(
        "my-shop/<id:pk>/staff/<id:membership_pk>/remove/",
        views.my_shop_staff_remove,
        name="my_shop_staff_remove",
    ),
    path(
        "my-shop/<id:pk>/invitations/<id:invitation_pk>/revoke/",
        views.my_shop_invitation_revoke,
        name="my_shop_invitation_revoke",
    ),
    path("my-shop/<id:pk>/bulletin/", views.my_shop_bulletin, name="my_shop_bulletin"),
]
