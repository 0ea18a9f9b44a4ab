import type { SameShape } from '../catalog';
import type en from '../en/moderation';

/** Ce que l’utilisateur voit quand la modération arrête un message ou une réponse (src/bot/moderation/). */
const moderation: SameShape<typeof en> = {
  inputFlagged:
    'Je ne peux pas traiter ce message : le contrôle de sécurité du contenu l’a signalé. Merci de le reformuler. Il n’a pas été décompté.',
  inputUnavailable:
    'Je n’ai pas pu soumettre votre message au contrôle de sécurité du contenu pour l’instant : il n’a donc pas été transmis à l’IA. Merci de réessayer dans un moment. Il n’a pas été décompté.',
  outputFlagged:
    'J’ai rédigé une réponse, mais le contrôle de sécurité du contenu l’a retenue. Merci de reformuler votre question. Ce message n’a pas été décompté.',
  outputUnavailable:
    'Je n’ai pas pu soumettre ma réponse au contrôle de sécurité du contenu pour l’instant : je l’ai donc retenue. Merci de réessayer dans un moment. Ce message n’a pas été décompté.',
};
export default moderation;
