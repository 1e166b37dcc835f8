"""The demo register's generated portraits: a faceless grey head and shoulders in the colours of a
person's ``Look``, on a flat background, marked "DEMO". Shapes only, never a real face.
"""

import io
import math

from PIL import Image, ImageDraw, ImageFont

from demo.register.look import BUILD_WIDTH, COLOURS, HAIR_COLOURS, F

PORTRAIT_SIZE = (480, 600)

# --- the portrait --------------------------------------------------------------------------------


def _shade(rgb, factor):
    return tuple(max(0, min(255, round(v * factor))) for v in rgb)


def portrait(rng, look, *, size=PORTRAIT_SIZE) -> bytes:
    """A head-and-shoulders figure: a grey, featureless head, hair or a cap in the described
    colour, shoulders in the described top, on a flat background, marked "DEMO". Shapes only:
    no face, so it can never be mistaken for (or be) a real person. Drawn at twice the size and
    scaled down for smooth edges."""
    scale = 2
    width, height = size[0] * scale, size[1] * scale
    image = Image.new("RGB", (width, height), look.background)
    draw = ImageDraw.Draw(image)
    # A lighter wall behind the figure, as on an id photo.
    draw.rectangle(
        [0, int(height * 0.06), width, int(height * 0.8)], fill=_shade(look.background, 1.06)
    )

    cx = width // 2 + rng.randint(-10, 10) * scale
    grey = rng.randint(118, 176)
    head_colour = (grey, grey, grey + 4)
    head_w = int(width * (0.28 if look.gender == F else 0.30))
    head_h = int(head_w * 1.28)
    head_top = int(height * 0.16) + rng.randint(-8, 8) * scale
    head = (cx - head_w // 2, head_top, cx + head_w // 2, head_top + head_h)
    shoulder_w = int(width * 0.80 * BUILD_WIDTH[look.build] * (0.9 if look.gender == F else 1.0))
    shoulder_top = head_top + int(head_h * 1.08)
    hair = HAIR_COLOURS[look.hair_colour]
    top = COLOURS[look.top_colour][1]
    long_hair = look.hair_style in ("lang", "halflang") and look.headwear != "muts"
    drop = int(head_h * (0.55 if look.hair_style == "lang" else 0.2))

    if long_hair:  # the hair behind the neck
        draw.rounded_rectangle(
            [
                head[0] - head_w * 0.06,
                head_top + head_h * 0.3,
                head[2] + head_w * 0.06,
                shoulder_top + drop,
            ],
            radius=head_w // 5,
            fill=_shade(hair, 0.8),
        )
    if look.hood:  # the hood lies behind the neck
        draw.ellipse(
            [
                cx - head_w * 0.8,
                shoulder_top - head_h * 0.42,
                cx + head_w * 0.8,
                shoulder_top + head_h * 0.45,
            ],
            fill=_shade(top, 0.78),
        )
    neck_w = int(head_w * 0.42)
    draw.rectangle(
        [cx - neck_w // 2, head_top + head_h * 0.8, cx + neck_w // 2, shoulder_top + 40],
        fill=_shade(head_colour, 0.86),
    )
    draw.rounded_rectangle(
        [cx - shoulder_w // 2, shoulder_top, cx + shoulder_w // 2, height + 200],
        radius=int(shoulder_w * 0.22),
        fill=top,
    )
    _collar(draw, look, top, cx, shoulder_top, neck_w, height, scale)
    if long_hair:  # locks in front of the shoulders
        for side in (-1, 1):
            outer = cx + side * head_w * 0.56
            inner = cx + side * head_w * 0.30
            draw.rounded_rectangle(
                [
                    min(outer, inner),
                    head_top + head_h * 0.35,
                    max(outer, inner),
                    shoulder_top + drop,
                ],
                radius=head_w // 8,
                fill=hair,
            )
    if look.hair_style == "in een staart" and look.headwear != "muts":
        draw.ellipse(
            [
                head[2] - head_w * 0.12,
                head_top + head_h * 0.2,
                head[2] + head_w * 0.22,
                head_top + head_h * 0.55,
            ],
            fill=_shade(hair, 0.9),
        )

    draw.ellipse(head, fill=head_colour)  # the head: an even grey oval, no features at all
    _hair(image, look, head, hair)
    if look.headwear == "pet":
        _cap(draw, head, COLOURS[look.headwear_colour][1], rng)
    elif look.headwear == "muts":
        _beanie(draw, head, COLOURS[look.headwear_colour][1])

    # "DEMO" in a corner: a generated picture, not a photo of anyone.
    font = ImageFont.load_default(size=20 * scale)
    label = "DEMO"
    box = draw.textbbox((0, 0), label, font=font)
    pad = 9 * scale
    x1, y1 = width - pad * 2, height - pad * 2
    x0, y0 = x1 - (box[2] - box[0]) - pad * 2, y1 - (box[3] - box[1]) - pad * 2
    draw.rounded_rectangle([x0, y0, x1, y1], radius=7 * scale, fill=(20, 20, 24))
    draw.text((x0 + pad - box[0], y0 + pad - box[1]), label, fill=(255, 255, 255), font=font)

    image = image.resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _collar(draw, look, top, cx, shoulder_top, neck_w, height, scale):
    """A neckline, a zip or lapels, so the top does not read as a flat block."""
    detail = _shade(top, 0.68) if sum(top) > 200 else _shade(top, 1.6)
    if look.top in ("hoodie", "trui"):
        draw.arc(
            [cx - neck_w, shoulder_top - neck_w // 2, cx + neck_w, shoulder_top + neck_w],
            20,
            160,
            fill=detail,
            width=5 * scale,
        )
        if look.top == "hoodie":  # drawstrings
            for side in (-1, 1):
                x = cx + side * neck_w * 0.45
                draw.line(
                    [x, shoulder_top + neck_w * 0.8, x, shoulder_top + neck_w * 2.2],
                    fill=detail,
                    width=3 * scale,
                )
        return
    draw.line([cx, shoulder_top + neck_w * 0.9, cx, height], fill=detail, width=3 * scale)
    for side in (-1, 1):
        draw.polygon(
            [
                (cx + side * neck_w, shoulder_top),
                (cx, shoulder_top + neck_w),
                (cx + side * neck_w * 0.3, shoulder_top),
            ],
            fill=detail,
        )


# Per hair style, as shares of the head: overhang at the sides and on top, how far down the hair
# comes at the sides, where the face starts (hairline) and how far the face is inset at the sides.
HAIR_SHAPES = {
    "kort": (0.03, 0.05, 0.42, 0.2, 0.03),
    "opgeschoren": (0.0, 0.03, 0.3, 0.17, 0.0),
    "krullend": (0.06, 0.08, 0.45, 0.22, 0.04),
    "halflang": (0.06, 0.05, 0.7, 0.22, 0.08),
    "lang": (0.06, 0.05, 0.75, 0.22, 0.09),
    "in een staart": (0.03, 0.05, 0.45, 0.2, 0.05),
    "opgestoken": (0.03, 0.05, 0.45, 0.2, 0.05),
}


def _hair(image, look, head, colour):
    """Hair as the head's outline a little larger, minus the face and what lies below the
    ears: the hairline follows the head."""
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = head
    w, h = right - left, bottom - top
    style = look.hair_style
    if look.headwear == "muts":
        return
    if style == "kaalgeschoren":  # only a shadow of stubble on the crown
        draw.chord([left, top, right, top + h * 0.7], 180, 360, fill=_blend(colour, 0.3))
        return
    side, over, lowest, hairline, inset = HAIR_SHAPES[style]
    mask = Image.new("L", image.size, 0)
    shape = ImageDraw.Draw(mask)
    shape.ellipse([left - w * side, top - h * over, right + w * side, bottom], fill=255)
    if style == "krullend":
        centre_x, centre_y = (left + right) / 2, top + h * 0.42
        radius = w * 0.1
        for step in range(11):  # curls along the crown
            angle = math.radians(185 + step * 17)
            x = centre_x + w * 0.52 * math.cos(angle)
            y = centre_y + h * 0.46 * math.sin(angle)
            shape.ellipse([x - radius, y - radius, x + radius, y + radius], fill=255)
    if style == "opgestoken":  # a bun on top
        shape.ellipse([left + w * 0.32, top - h * 0.2, right - w * 0.32, top + h * 0.12], fill=255)
    shape.rectangle([0, top + h * lowest, image.size[0], image.size[1]], fill=0)
    shape.ellipse([left + w * inset, top + h * hairline, right - w * inset, bottom], fill=0)
    image.paste(colour, mask=mask)


def _cap(draw, head, colour, rng):
    left, top, right, bottom = head
    w, h = right - left, bottom - top
    draw.chord(
        [left - w * 0.04, top - h * 0.06, right + w * 0.04, top + h * 0.6], 180, 360, fill=colour
    )
    brim = _shade(colour, 0.72) if sum(colour) > 150 else _shade(colour, 1.5)
    # Turned a little: the peak sticks out to one side.
    if rng.random() < 0.5:
        draw.ellipse([left - w * 0.04, top + h * 0.2, right + w * 0.32, top + h * 0.33], fill=brim)
    else:
        draw.ellipse([left - w * 0.32, top + h * 0.2, right + w * 0.04, top + h * 0.33], fill=brim)
    draw.ellipse(
        [
            (left + right) / 2 - w * 0.04,
            top - h * 0.07,
            (left + right) / 2 + w * 0.04,
            top + h * 0.0,
        ],
        fill=brim,
    )


def _beanie(draw, head, colour):
    left, top, right, bottom = head
    w, h = right - left, bottom - top
    draw.chord(
        [left - w * 0.05, top - h * 0.1, right + w * 0.05, top + h * 0.72], 180, 360, fill=colour
    )
    cuff = _shade(colour, 0.8) if sum(colour) > 150 else _shade(colour, 1.4)
    draw.rounded_rectangle(
        [left - w * 0.06, top + h * 0.2, right + w * 0.06, top + h * 0.34],
        radius=w * 0.04,
        fill=cuff,
    )


def _blend(colour, amount, base=(150, 150, 154)):
    return tuple(round(b + (c - b) * amount) for c, b in zip(colour, base, strict=True))
