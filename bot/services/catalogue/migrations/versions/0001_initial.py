"""initial catalogue schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('organisme',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('nom', sa.String(length=255), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=True),
    sa.Column('ville', sa.String(length=120), nullable=True),
    sa.Column('code_postal', sa.String(length=10), nullable=True),
    sa.Column('telephone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('fictif', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.now(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('formation',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('intitule', sa.String(length=500), nullable=False),
    sa.Column('objectif', sa.Text(), nullable=True),
    sa.Column('contenu', sa.Text(), nullable=True),
    sa.Column('formacodes', sa.String(length=255), nullable=True),
    sa.Column('codes_rome', sa.String(length=255), nullable=True),
    sa.Column('codes_nsf', sa.String(length=255), nullable=True),
    sa.Column('certifiante', sa.Boolean(), nullable=False),
    sa.Column('code_rncp', sa.String(length=40), nullable=True),
    sa.Column('code_rs', sa.String(length=40), nullable=True),
    sa.Column('niveau_sortie', sa.String(length=20), nullable=True),
    sa.Column('niveau_sortie_code', sa.Integer(), nullable=True),
    sa.Column('eligible_cpf', sa.Boolean(), nullable=False),
    sa.Column('label_gen', sa.Boolean(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('organisme_responsable_id', sa.String(length=100), nullable=False),
    sa.Column('domaine', sa.String(length=40), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.now(), nullable=True),
    sa.ForeignKeyConstraint(['organisme_responsable_id'], ['organisme.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('formation', schema=None) as batch_op:
        batch_op.create_index('ix_formation_domaine', ['domaine'], unique=False)

    op.create_table('action',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('formation_id', sa.String(length=100), nullable=False),
    sa.Column('organisme_formateur_id', sa.String(length=100), nullable=False),
    sa.Column('domaine', sa.String(length=40), nullable=False),
    sa.Column('certifiante', sa.Boolean(), nullable=False),
    sa.Column('modalites_enseignement', sa.Integer(), nullable=False),
    sa.Column('modalite', sa.String(length=20), nullable=False),
    sa.Column('methodes', sa.String(length=255), nullable=True),
    sa.Column('code_modalite_pedagogique', sa.String(length=255), nullable=True),
    sa.Column('publics', sa.String(length=255), nullable=True),
    sa.Column('public_demandeur_emploi', sa.Boolean(), nullable=False),
    sa.Column('public_jeune', sa.Boolean(), nullable=False),
    sa.Column('public_salarie', sa.Boolean(), nullable=False),
    sa.Column('public_tous', sa.Boolean(), nullable=False),
    sa.Column('age_min', sa.Integer(), nullable=True),
    sa.Column('age_max', sa.Integer(), nullable=True),
    sa.Column('niveau_entree', sa.String(length=20), nullable=False),
    sa.Column('niveau_entree_rank', sa.Integer(), nullable=False),
    sa.Column('niveau_entree_code', sa.Integer(), nullable=True),
    sa.Column('niveau_entree_obligatoire', sa.Boolean(), nullable=False),
    sa.Column('heures_total', sa.Integer(), nullable=True),
    sa.Column('heures_semaine', sa.Float(), nullable=True),
    sa.Column('creneau', sa.String(length=20), nullable=False),
    sa.Column('equipement_requis', sa.String(length=20), nullable=False),
    sa.Column('equipement_prete', sa.Boolean(), nullable=False),
    sa.Column('departement_lieu', sa.String(length=3), nullable=True),
    sa.Column('lieu_ville', sa.String(length=120), nullable=True),
    sa.Column('lieu_code_postal', sa.String(length=10), nullable=True),
    sa.Column('lieu_departement', sa.String(length=3), nullable=True),
    sa.Column('departements', sa.String(length=40), nullable=False),
    sa.Column('departements_mask', sa.Integer(), nullable=False),
    sa.Column('places_sur_site', sa.Integer(), nullable=True),
    sa.Column('accessible_handicap', sa.Boolean(), nullable=False),
    sa.Column('financeurs', sa.String(length=255), nullable=True),
    sa.Column('places_financees', sa.Integer(), nullable=True),
    sa.Column('remuneree', sa.Boolean(), nullable=False),
    sa.Column('cout_stagiaire', sa.Text(), nullable=True),
    sa.Column('modalites_inscription', sa.Text(), nullable=True),
    sa.Column('contact', sa.Text(), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.now(), nullable=True),
    sa.ForeignKeyConstraint(['formation_id'], ['formation.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisme_formateur_id'], ['organisme.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.create_index('ix_action_age', ['age_min', 'age_max'], unique=False)
        batch_op.create_index('ix_action_departements_mask', ['departements_mask'], unique=False)
        batch_op.create_index('ix_action_domaine', ['domaine'], unique=False)
        batch_op.create_index('ix_action_formation_id', ['formation_id'], unique=False)
        batch_op.create_index('ix_action_modalite', ['modalite'], unique=False)
        batch_op.create_index('ix_action_niveau_entree_rank', ['niveau_entree_rank'], unique=False)
        batch_op.create_index('ix_action_organisme_formateur_id', ['organisme_formateur_id'], unique=False)

    op.create_table('session',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('action_id', sa.String(length=100), nullable=False),
    sa.Column('debut', sa.Date(), nullable=True),
    sa.Column('fin', sa.Date(), nullable=True),
    sa.Column('entrees_permanentes', sa.Boolean(), nullable=False),
    sa.Column('etat_recrutement', sa.Integer(), nullable=False),
    sa.Column('adresse_ville', sa.String(length=120), nullable=True),
    sa.Column('adresse_code_postal', sa.String(length=10), nullable=True),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.now(), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.create_index('ix_session_action_etat_debut', ['action_id', 'etat_recrutement', 'debut'], unique=False)




def downgrade():
    
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.drop_index('ix_session_action_etat_debut')

    op.drop_table('session')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index('ix_action_organisme_formateur_id')
        batch_op.drop_index('ix_action_niveau_entree_rank')
        batch_op.drop_index('ix_action_modalite')
        batch_op.drop_index('ix_action_formation_id')
        batch_op.drop_index('ix_action_domaine')
        batch_op.drop_index('ix_action_departements_mask')
        batch_op.drop_index('ix_action_age')

    op.drop_table('action')
    with op.batch_alter_table('formation', schema=None) as batch_op:
        batch_op.drop_index('ix_formation_domaine')

    op.drop_table('formation')
    op.drop_table('organisme')

