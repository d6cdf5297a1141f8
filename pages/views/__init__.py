"""The student pages, one module per journey: thin views over the same services and selectors the API uses.

A view parses the browser's form, calls one service or selector, and renders.
Refusals come back as `ApplicationError`s and are shown in plain words; no
business rule is repeated here. `pages/urls.py` imports the modules directly:

- `sign_in`: the OTP sign-in, registering a shop, signing out;
- `home`: the home page: orders to collect, shop cards, search across shops and dishes;
- `food`: a food shop's menu and its cart (lines kept by `pages/cart.py`);
- `menu_item`: one dish's options and quantity, added to the cart (the sheet's plain form);
- `orders`: a student's orders, one order, cancelling it;
- `reorder`: an earlier order's dishes put back into the cart;
- `printing`: print shops, sending a PDF, a student's print jobs;
- `installable`: the web app manifest, the service worker (`/sw.js`) and its offline page;
- `checkout`: what the page script needs to pay, and the checkout's redirect fallback;
- `common`: helpers the journeys share.
"""
