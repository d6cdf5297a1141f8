/*
 * The photo of the dish being edited (mixed into catalogEditor('menu')): choose a file, see it
 * before sending, upload it (POST /menu-items/{id}/image, multipart `image`), or remove it.
 * The server decodes and re-encodes every photo; the checks here only save a useless upload.
 * The preview is a data: URL (the page's Content-Security-Policy allows data: images, not blob:).
 */
import { api, config } from "./api.js";
import { fmt, gettext } from "./i18n.js";

const TYPES = new Set(["image/jpeg", "image/png", "image/webp"]);
const blankPhoto = () => ({ file: null, preview: "", error: "", busy: false });

const maxMb = () => config.menu_image_max_mb || 5;
const tooLarge = () => fmt(gettext("This photo is too large: choose one of at most %(mb)s MB."), { mb: maxMb() });

// The API's refusal in the words shown by the field.
function photoMessage(error) {
  if (error.code === "file_too_large" || error.code === "request_too_large") return tooLarge();
  if (error.code === "invalid_image") return error.message + " " + gettext("This file is not one the server can read as a photo.");
  return error.message || gettext("The photo could not be uploaded. Try again.");
}

function dataUrl(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

// Resolves when the browser can draw the picture (a file it cannot is no photo at all).
function decodes(url) {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve();
    image.onerror = () => reject(new Error("not an image"));
    image.src = url;
  });
}

export function menuPhoto() {
  return {
    photo: blankPhoto(),

    hooks: {
      edit() { this.photoClear(); },
      reset() { this.photoClear(); },
    },

    photoMaxMb() { return maxMb(); },
    photoChooseLabel() { return fmt(gettext("Choose a photo (JPEG, PNG or WebP, up to %(mb)s MB)"), { mb: maxMb() }); },
    photoAlt() { return fmt(gettext("Photo of %(name)s"), { name: this.current ? this.current.name : "" }); },
    photoCaption() {
      if (this.photo.preview) return gettext("Preview: not uploaded yet.");
      return this.current && this.current.thumbnail_url ? gettext("The photo students see.") : gettext("Students see the dish without a photo.");
    },

    photoClear() {
      this.photo = blankPhoto();
      if (this.$refs.photoFile) this.$refs.photoFile.value = "";
    },

    async photoChosen(input) {
      const file = input.files && input.files[0];
      this.photo = { ...blankPhoto() };
      if (!file) return;
      if (file.type && !TYPES.has(file.type)) { this.photo.error = gettext("Choose a JPEG, PNG or WebP photo."); return; }
      if (file.size > maxMb() * 1024 * 1024) { this.photo.error = tooLarge(); return; }
      let preview;
      try {
        preview = await dataUrl(file);
        await decodes(preview);
      } catch {
        this.photo.error = gettext("This file is not a photo. Choose a JPEG, PNG or WebP photo.");
        return;
      }
      this.photo = { ...blankPhoto(), file, preview };
    },

    async photoSend(method, form) {
      const item = this.current;
      if (!item || this.photo.busy) return;
      this.photo.busy = true;
      this.photo.error = "";
      try {
        const result = await api(method, "menu-items/" + item.id + "/image", undefined, form ? { form } : {});
        this.replaceItem(result);
        this.photoClear();
        this.$store.dash.clearError();
        this.$store.dash.showBanner(fmt(method === "POST" ? gettext("Photo of %(name)s uploaded.") : gettext("Photo of %(name)s removed."), { name: result.name }));
      } catch (error) {
        this.photo.busy = false;
        this.photo.error = photoMessage(error);
      }
    },

    photoUpload() {
      if (!this.photo.file) return;
      const form = new FormData();
      form.append("image", this.photo.file);
      return this.photoSend("POST", form);
    },

    photoRemove() {
      return this.photoSend("DELETE");
    },
  };
}
