"""The demo incidents' photos: generated CCTV-like stills of a shop, with faceless silhouettes and
a time stamp. Shapes only, so no real person can ever be in a demo photo.
"""

import io

from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter, ImageFont

CAMERAS = ("INGANG", "KASSA", "PAD 2", "PAD 3", "ACHTERDEUR", "ETALAGE")


# --- pictures ------------------------------------------------------------------------------------


def cctv_still(rng, *, when, camera=1, width=640, height=480) -> bytes:
    """A grainy grey CCTV frame: shelves, a floor, one or two faceless silhouettes, a time stamp.
    Shapes only, so no real person can ever be in a demo photo."""
    wall = rng.randint(95, 130)
    image = Image.new("L", (width, height), wall)
    draw = ImageDraw.Draw(image)
    horizon = int(height * rng.uniform(0.45, 0.55))
    draw.rectangle([0, horizon, width, height], fill=wall + rng.randint(15, 35))
    for side in (-1, 1):  # shelves along both sides, in perspective
        outer = 0 if side < 0 else width
        inner = int(width * (0.3 if side < 0 else 0.7))
        draw.polygon(
            [(outer, 30), (inner, horizon - 120), (inner, horizon + 10), (outer, height)],
            fill=wall - rng.randint(30, 50),
        )
        for level in range(1, 6):
            y_outer = 30 + (height - 30) * level // 6
            y_inner = horizon - 120 + 130 * level // 6
            draw.line([(outer, y_outer), (inner, y_inner)], fill=wall + 40, width=3)
            for _ in range(6):  # products
                t = rng.uniform(0.05, 0.9)
                x = outer + (inner - outer) * t
                y = y_outer + (y_inner - y_outer) * t
                size = 22 * (1 - t) + 6
                shade = rng.randint(50, 200)
                draw.rectangle([x - size / 2, y - size * 1.4, x + size / 2, y - 2], fill=shade)
    for _ in range(rng.choice((1, 1, 2))):  # faceless silhouettes
        scale = rng.uniform(0.7, 1.1)
        cx = rng.randint(int(width * 0.35), int(width * 0.65))
        feet = int(horizon + (height - horizon) * rng.uniform(0.5, 0.95))
        tall = int(height * 0.55 * scale)
        head = int(tall * 0.13)
        shoulders = feet - tall + head * 2
        body = rng.randint(25, 60)
        draw.ellipse([cx - head // 2, feet - tall, cx + head // 2, feet - tall + head], fill=body)
        draw.rounded_rectangle(
            [cx - head, shoulders - head // 2, cx + head, feet - tall // 2 + head], 12, fill=body
        )
        draw.rectangle([cx - head + 4, feet - tall // 2 + head, cx - 3, feet], fill=body + 10)
        draw.rectangle([cx + 3, feet - tall // 2 + head, cx + head - 4, feet], fill=body + 10)
    grain = Image.frombytes("L", (width, height), rng.randbytes(width * height))
    image = Image.blend(image, grain, 0.12).filter(ImageFilter.GaussianBlur(0.9))
    frame = Image.merge("RGB", (image, image.point(lambda v: min(255, v + 6)), image))
    draw = ImageDraw.Draw(frame)
    draw.rectangle([0, 0, width, 26], fill=(0, 0, 0))
    local = timezone.localtime(when)
    font = ImageFont.load_default(size=15)
    draw.text((8, 5), f"CAM {camera:02d} {rng.choice(CAMERAS)}", fill=(255, 255, 255), font=font)
    stamp = f"{local:%d-%m-%Y %H:%M:%S}"
    draw.text((width - 8, 5), stamp, fill=(255, 255, 255), font=font, anchor="ra")
    draw.ellipse([width - 200, 8, width - 190, 18], fill=(200, 0, 0))  # "recording"
    buffer = io.BytesIO()
    frame.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()
