"""The portal's texts in both languages, one module per page group, each with a ``ZH`` and an ``EN``
dict of the same keys (dotted by page: ``cases.title``). webmap/i18n.py merges every module of this
package; a key defined in two modules is refused at import. A new page group is a new module here:
nothing else to register."""
