"""SQLAlchemy model of the catalogue, close to LHÉO (docs/DESIGN.md, "Catalogue schema").

Table and column names are binding: the matching engine queries them directly.
The contract's values (modalite, niveau_entree, domaine, departements, ...) are derived
at import time by ``bot.core.vocabulary_mapping`` and stored in plain, indexed columns.

Columns added beyond DESIGN.md (none renamed): ``action.domaine`` and ``action.certifiante``
(denormalised copies of the formation's values, so that the pre-filter indexes
``action(domaine)`` without a join), ``updated_at`` everywhere, plus a few
LHÉO details kept for export (``formation.niveau_sortie_code``, ``action.niveau_entree_code``, ``action.lieu_*`` (the place as given, any region),
``action.code_modalite_pedagogique``, ``session.adresse_*``).
"""
from __future__ import annotations

from sqlalchemy import (
    Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, and_, exists, func, or_,
    true,
)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class Organisme(Base):
    """An organisation: responsible body (organisme-formation-responsable) or trainer."""

    __tablename__ = "organisme"

    id = Column(String(100), primary_key=True)
    nom = Column(String(255), nullable=False)
    siret = Column(String(14))
    ville = Column(String(120))
    code_postal = Column(String(10))
    telephone = Column(String(40))
    email = Column(String(255))
    url = Column(String(500))
    fictif = Column(Boolean, nullable=False, default=False)
    updated_at = Column(DateTime, server_default=func.now(), onupdate=func.now())

    def __repr__(self) -> str:
        return f"<Organisme {self.id} {self.nom!r}>"


class Formation(Base):
    """LHÉO <formation>: what is taught, independent of when and where."""

    __tablename__ = "formation"

    id = Column(String(100), primary_key=True)
    intitule = Column(String(500), nullable=False)
    objectif = Column(Text)
    contenu = Column(Text)
    formacodes = Column(String(255))  # comma-separated Formacode codes
    codes_rome = Column(String(255))  # comma-separated ROME codes
    codes_nsf = Column(String(255))  # comma-separated NSF codes
    certifiante = Column(Boolean, nullable=False, default=False)
    code_rncp = Column(String(40))
    code_rs = Column(String(40))
    niveau_sortie = Column(String(20))  # contract level (bot.core.vocab.LEVELS) or NULL
    niveau_sortie_code = Column(Integer)  # LHÉO dictionary code (dict-niveaux), kept for export
    eligible_cpf = Column(Boolean, nullable=False, default=False)
    label_gen = Column(Boolean, nullable=False, default=False)  # "Grande école du numérique"
    url = Column(String(500))
    organisme_responsable_id = Column(
        String(100), ForeignKey("organisme.id", ondelete="RESTRICT"), nullable=False
    )
    domaine = Column(String(40), nullable=False)  # contract domain (bot.core.vocab.COURSE_DOMAINS)
    updated_at = Column(DateTime, server_default=func.now(), onupdate=func.now())

    organisme_responsable = relationship("Organisme", foreign_keys=[organisme_responsable_id])
    actions = relationship("Action", back_populates="formation", passive_deletes=True)

    __table_args__ = (Index("ix_formation_domaine", "domaine"),)

    def __repr__(self) -> str:
        return f"<Formation {self.id} {self.intitule!r}>"


class Action(Base):
    """LHÉO <action>: one way a formation is run (mode, public, hours, places, funders)."""

    __tablename__ = "action"

    id = Column(String(100), primary_key=True)
    formation_id = Column(
        String(100), ForeignKey("formation.id", ondelete="CASCADE"), nullable=False
    )
    organisme_formateur_id = Column(
        String(100), ForeignKey("organisme.id", ondelete="RESTRICT"), nullable=False
    )
    # Denormalised from the formation so the pre-filter needs no join (DESIGN: index action(domaine)).
    domaine = Column(String(40), nullable=False)
    certifiante = Column(Boolean, nullable=False, default=False)

    modalites_enseignement = Column(Integer, nullable=False)  # 0 on site, 1 mixed, 2 fully remote
    modalite = Column(String(20), nullable=False)  # distance | hybride | presentiel
    methodes = Column(String(255))  # comma-separated: mooc, spoc, classe_virtuelle, serious_game, tutorat
    code_modalite_pedagogique = Column(String(255))  # raw LHÉO codes, comma-separated

    publics = Column(String(255))  # comma-separated LHÉO code-public-vise codes
    public_demandeur_emploi = Column(Boolean, nullable=False, default=False)
    public_jeune = Column(Boolean, nullable=False, default=False)
    public_salarie = Column(Boolean, nullable=False, default=False)
    public_tous = Column(Boolean, nullable=False, default=False)
    age_min = Column(Integer)  # NULL = no bound
    age_max = Column(Integer)  # NULL = no bound

    niveau_entree = Column(String(20), nullable=False)  # contract level
    niveau_entree_rank = Column(Integer, nullable=False)  # 0..5, LEVEL_RANK[niveau_entree]
    niveau_entree_code = Column(Integer)  # LHÉO dictionary code, kept for export
    niveau_entree_obligatoire = Column(Boolean, nullable=False, default=False)

    heures_total = Column(Integer)
    heures_semaine = Column(Float)
    creneau = Column(String(20), nullable=False)  # journee | soir_weekend | indifferent
    equipement_requis = Column(String(20), nullable=False)  # ordinateur | smartphone | aucun
    equipement_prete = Column(Boolean, nullable=False, default=False)

    departement_lieu = Column(String(3))  # on-site IDF department (hybrid / on site) or NULL
    lieu_ville = Column(String(120))  # LHÉO lieu-de-formation, kept as given (any region)
    lieu_code_postal = Column(String(10))
    lieu_departement = Column(String(3))
    departements = Column(String(40), nullable=False)  # comma-separated served departments
    departements_mask = Column(Integer, nullable=False)  # bit i = IDF_DEPARTMENTS[i] served
    places_sur_site = Column(Integer)
    accessible_handicap = Column(Boolean, nullable=False, default=False)

    financeurs = Column(String(255))  # comma-separated LHÉO code-financeur codes
    places_financees = Column(Integer)
    remuneree = Column(Boolean, nullable=False, default=False)
    cout_stagiaire = Column(Text)
    modalites_inscription = Column(Text)
    contact = Column(Text)
    url = Column(String(500))
    updated_at = Column(DateTime, server_default=func.now(), onupdate=func.now())

    formation = relationship("Formation", back_populates="actions")
    organisme_formateur = relationship("Organisme", foreign_keys=[organisme_formateur_id])
    sessions = relationship(
        "Session", back_populates="action", passive_deletes=True, order_by="Session.debut"
    )

    __table_args__ = (
        Index("ix_action_domaine", "domaine"),
        Index("ix_action_niveau_entree_rank", "niveau_entree_rank"),
        Index("ix_action_age", "age_min", "age_max"),
        Index("ix_action_modalite", "modalite"),
        Index("ix_action_departements_mask", "departements_mask"),
        Index("ix_action_formation_id", "formation_id"),
        Index("ix_action_organisme_formateur_id", "organisme_formateur_id"),
    )

    def __repr__(self) -> str:
        return f"<Action {self.id} {self.modalite}>"


class Session(Base):
    """LHÉO <session>: one run of an action (dates, continuous entry, recruitment state)."""

    __tablename__ = "session"

    id = Column(String(100), primary_key=True)
    action_id = Column(String(100), ForeignKey("action.id", ondelete="CASCADE"), nullable=False)
    debut = Column(Date)
    fin = Column(Date)
    entrees_permanentes = Column(Boolean, nullable=False, default=False)
    etat_recrutement = Column(Integer, nullable=False, default=1)  # 1 ouvert, 2 fermé, 3 suspendu
    adresse_ville = Column(String(120))
    adresse_code_postal = Column(String(10))
    updated_at = Column(DateTime, server_default=func.now(), onupdate=func.now())

    action = relationship("Action", back_populates="sessions")

    __table_args__ = (
        Index("ix_session_action_etat_debut", "action_id", "etat_recrutement", "debut"),
    )

    def __repr__(self) -> str:
        return f"<Session {self.id} {self.debut}>"


# Recruitment states (LHÉO dict-etat-recrutement).
ETAT_OUVERT, ETAT_FERME, ETAT_SUSPENDU = 1, 2, 3


def session_is_open(today):
    """THE definition of an open session, for matching (what a person is shown) and for the
    report (what the Region is told is on offer): recruitment open, and starting today or
    later, or with continuous entry not over yet. `today`: a date or a bound parameter."""
    s = Session.__table__.c
    return and_(s.etat_recrutement == ETAT_OUVERT,
                or_(s.debut >= today,
                    and_(s.entrees_permanentes == true(), or_(s.fin.is_(None), s.fin >= today))))


def session_is_open_on(row, today) -> bool:
    """session_is_open for one session row (a dict with the model's columns), in Python:
    the importer's warning about what no one will be shown uses it."""
    debut, fin = row.get("debut"), row.get("fin")
    return row.get("etat_recrutement", ETAT_OUVERT) == ETAT_OUVERT and (
        (debut is not None and debut >= today)
        or (bool(row.get("entrees_permanentes")) and (fin is None or fin >= today)))


def has_open_session(action_id, today):
    """EXISTS an open session (session_is_open) of the action whose id column is action_id."""
    return exists().where(Session.__table__.c.action_id == action_id, session_is_open(today))


__all__ = ["Base", "Organisme", "Formation", "Action", "Session",
           "ETAT_OUVERT", "ETAT_FERME", "ETAT_SUSPENDU", "session_is_open", "session_is_open_on",
           "has_open_session"]
